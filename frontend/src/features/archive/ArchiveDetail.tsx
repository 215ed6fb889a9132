import { useState, type ReactNode } from 'react';
import { Alert, App, Button, Descriptions, Drawer, Form, Image, Input, Modal, Select, Space, Tooltip, Typography } from 'antd';
import {
  DeleteOutlined,
  DownloadOutlined,
  EditOutlined,
  ExportOutlined,
  EyeOutlined,
  FilePdfOutlined,
  PictureOutlined,
  PrinterOutlined,
  RollbackOutlined,
} from '@ant-design/icons';
import { useNavigate } from 'react-router';
import { useMutation, useQuery } from '@apollo/client/react';
import {
  ArchiveCaseMaterialsDocument,
  DeleteArchiveDocument,
  ModifyArchiveDocument,
  RestoreArchiveDocument,
  SetArchiveRestrictionDocument,
  type ArchiveHitInfoFragment,
  type ArchiveRestriction,
  type FileLinkInfoFragment,
} from '../../graphql/generated/graphql';
import { useSessionStore } from '../../app/context';
import { paths } from '../../app/paths';
import { useSession } from '../../app/session';
import { accessFor } from '../../lib/access';
import { applyError } from '../../lib/errors';
import { formatTime } from '../../lib/format';
import { zhCN } from '../../locales/zh-CN';
import { StatusTag } from '../case/StatusTag';
import { ArchiveCapture } from './ArchiveCapture';
import { printArchives } from './print';
import { PagesViewer } from './PagesViewer';
import { RestrictionTag, ValidityTag, restrictionOptions } from './tags';
import { formatBytes } from './imageEdit';

const t = zhCN.archives;

interface Props {
  hit: ArchiveHitInfoFragment;
  link: FileLinkInfoFragment | undefined;
  onClose: () => void;
  /** Reloads the search after a change (a deleted archive may leave a search for valid ones). */
  onChanged: () => unknown;
}

type Dialog = 'material' | 'image' | 'delete' | 'restore' | null;

/**
 * ArchiveDetail shows one archive found by a search: the image, what it is
 * and where it belongs, and the changes the user's role may make (1.4.6,
 * 1.4.7, 1.4.19). Restriction flags disable what they forbid, for everyone;
 * the server decides the rest (a submitted case's archives are frozen for
 * clerks) and its refusals are shown as they come.
 */
export function ArchiveDetail({ hit, link, onClose, onChanged }: Props) {
  const { message } = App.useApp();
  const navigate = useNavigate();
  const session = useSession(useSessionStore());
  const access = accessFor(session?.user.roles ?? []);
  const f = hit.file;
  const [dialog, setDialog] = useState<Dialog>(null);
  const [restriction, setRestriction] = useState<ArchiveRestriction>(f.restriction);
  const [materialForm] = Form.useForm<{ materialCode: string }>();
  const [reasonForm] = Form.useForm<{ reason: string }>();
  const materials = useQuery(ArchiveCaseMaterialsDocument, { variables: { id: hit.case.id }, skip: dialog !== 'material' });
  const [modify, modifying] = useMutation(ModifyArchiveDocument);
  const [del, deleting] = useMutation(DeleteArchiveDocument);
  const [restore, restoring] = useMutation(RestoreArchiveDocument);
  const [restrict, restricting] = useMutation(SetArchiveRestrictionDocument);

  const modifiable = f.restriction === 'NONE' || f.restriction === 'NO_DELETE';
  const deletable = f.restriction === 'NONE' || f.restriction === 'NO_MODIFY';
  const isPdf = f.contentType === 'application/pdf';

  const fail = (e: unknown, setField?: (field: string, m: string) => boolean) =>
    applyError(e, {
      notify: (m) => void message.error(m),
      setFieldError: setField,
      toLogin: () => void navigate(paths.login),
      refresh: () => void onChanged(),
    });
  const done = async (text: string, close = false) => {
    message.success(text);
    setDialog(null);
    // A deleted or restored archive leaves the search it was found by: the drawer closes with it.
    if (close) onClose();
    await Promise.resolve(onChanged()).catch(() => undefined);
  };

  const changeMaterial = async ({ materialCode }: { materialCode: string }) => {
    try {
      await modify({ variables: { id: f.id, version: f.version, materialCode } });
      await done(t.modified);
    } catch (e) {
      fail(e, (field, m) => (field === 'materialCode' ? (materialForm.setFields([{ name: 'materialCode', errors: [m] }]), true) : false));
    }
  };
  const remove = async ({ reason }: { reason: string }) => {
    try {
      await del({ variables: { id: f.id, version: f.version, reason } });
      await done(t.deleted, true);
    } catch (e) {
      fail(e, (field, m) => (field === 'reason' ? (reasonForm.setFields([{ name: 'reason', errors: [m] }]), true) : false));
    }
  };
  const bringBack = async ({ reason }: { reason?: string }) => {
    try {
      await restore({ variables: { id: f.id, version: f.version, reason: reason ?? '' } });
      await done(t.restored, true);
    } catch (e) {
      fail(e, (field, m) => (field === 'reason' ? (reasonForm.setFields([{ name: 'reason', errors: [m] }]), true) : false));
    }
  };
  const saveRestriction = async () => {
    try {
      await restrict({ variables: { id: f.id, version: f.version, restriction } });
      await done(t.restricted);
    } catch (e) {
      fail(e);
    }
  };

  const gated = (allowed: boolean, why: string, button: ReactNode) =>
    allowed ? button : <Tooltip title={why}>{button}</Tooltip>;

  return (
    <Drawer open width={640} title={t.detailTitle} onClose={onClose} destroyOnHidden data-testid="archive-detail">
      <Space direction="vertical" size="middle" style={{ width: '100%' }}>
        {!f.valid && <Alert type="warning" showIcon message={t.deletedNote(f.deleteReason)} data-testid="archive-deleted-note" />}
        <div style={{ textAlign: 'center', background: '#fafafa', padding: 8, borderRadius: 6 }}>
          {isPdf ? (
            <a href={link?.url} target="_blank" rel="noreferrer">
              <FilePdfOutlined style={{ fontSize: 64, color: '#cf1322' }} />
              <div>{t.pdf}</div>
            </a>
          ) : (
            <Image src={link?.url} alt={f.name} style={{ maxHeight: 320, objectFit: 'contain' }} data-testid="archive-detail-image" />
          )}
        </div>
        <Space wrap>
          <Button icon={<EyeOutlined />} href={link?.url} target="_blank" disabled={!link}>
            {t.view}
          </Button>
          <Button icon={<DownloadOutlined />} href={link?.downloadUrl} disabled={!link}>
            {t.download}
          </Button>
          <Button icon={<PrinterOutlined />} disabled={!link} onClick={() => link && printArchives([hit], new Map([[f.id, link]]))}>
            {t.print}
          </Button>
          <PagesViewer name={f.name} pages={f.pages} link={link} size="middle" />
          <Button icon={<ExportOutlined />} onClick={() => void navigate(paths.caseDetail(hit.case.id))}>
            {t.openCase}
          </Button>
        </Space>
        <Descriptions column={1} size="small" bordered>
          <Descriptions.Item label={t.materialType}>{hit.materialName}</Descriptions.Item>
          <Descriptions.Item label={t.fileName}>{f.name}</Descriptions.Item>
          <Descriptions.Item label={t.size}>{formatBytes(f.size)}</Descriptions.Item>
          <Descriptions.Item label={t.kind}>{zhCN.kinds[hit.case.kind]}</Descriptions.Item>
          <Descriptions.Item label={t.collabNo}>
            <span className="hukou-mono">{hit.case.collabNo}</span>
          </Descriptions.Item>
          <Descriptions.Item label={t.office}>{hit.case.office?.name ?? ''}</Descriptions.Item>
          <Descriptions.Item label={t.caseStatus}>
            <StatusTag status={hit.case.status} />
          </Descriptions.Item>
          <Descriptions.Item label={t.capturedBy}>{f.createdBy}</Descriptions.Item>
          <Descriptions.Item label={t.capturedAt}>{formatTime(f.createdAt)}</Descriptions.Item>
          <Descriptions.Item label={t.updatedAt}>{formatTime(f.updatedAt)}</Descriptions.Item>
          <Descriptions.Item label={t.status}>
            <ValidityTag valid={f.valid} />
          </Descriptions.Item>
          {!f.valid && <Descriptions.Item label={t.deleteReason}>{f.deleteReason}</Descriptions.Item>}
          <Descriptions.Item label={t.restriction}>
            <RestrictionTag r={f.restriction} />
          </Descriptions.Item>
        </Descriptions>

        {access.canChangeArchives && (
          <Space wrap data-testid="archive-actions">
            {f.valid ? (
              <>
                {gated(
                  modifiable,
                  t.blockedModify,
                  <Button icon={<EditOutlined />} disabled={!modifiable} onClick={() => setDialog('material')}>
                    {t.changeMaterial}
                  </Button>,
                )}
                {gated(
                  modifiable,
                  t.blockedModify,
                  <Button icon={<PictureOutlined />} disabled={!modifiable} onClick={() => setDialog('image')}>
                    {t.replaceImage}
                  </Button>,
                )}
                {gated(
                  deletable,
                  t.blockedDelete,
                  <Button danger icon={<DeleteOutlined />} disabled={!deletable} onClick={() => setDialog('delete')}>
                    {t.delete}
                  </Button>,
                )}
              </>
            ) : (
              gated(
                modifiable,
                t.blockedRestore,
                <Button icon={<RollbackOutlined />} disabled={!modifiable} onClick={() => setDialog('restore')}>
                  {t.restore}
                </Button>,
              )
            )}
          </Space>
        )}

        {access.canRestrictArchives && (
          <Space>
            <Typography.Text>{t.setRestriction}</Typography.Text>
            <Select<ArchiveRestriction>
              aria-label={t.setRestriction}
              value={restriction}
              options={restrictionOptions}
              style={{ width: 180 }}
              onChange={setRestriction}
            />
            <Button type="primary" disabled={restriction === f.restriction} loading={restricting.loading} onClick={() => void saveRestriction()}>
              {t.save}
            </Button>
          </Space>
        )}
      </Space>

      <Modal
        open={dialog === 'material'}
        title={t.changeMaterialTitle}
        okText={t.save}
        cancelText={zhCN.app.cancel}
        confirmLoading={modifying.loading}
        onOk={() => materialForm.submit()}
        onCancel={() => setDialog(null)}
        destroyOnHidden
      >
        <Form form={materialForm} layout="vertical" onFinish={(v) => void changeMaterial(v)}>
          <Form.Item name="materialCode" label={t.newMaterial} rules={[{ required: true, message: t.chooseMaterial }]}>
            <Select
              loading={materials.loading}
              options={(materials.data?.node && 'materials' in materials.data.node ? materials.data.node.materials : [])
                .filter((m) => m.code !== f.materialCode)
                .map((m) => ({ value: m.code, label: m.name }))}
            />
          </Form.Item>
        </Form>
      </Modal>

      <Modal
        open={dialog === 'delete' || dialog === 'restore'}
        title={dialog === 'delete' ? t.deleteTitle : t.restoreTitle}
        okText={dialog === 'delete' ? t.delete : t.restore}
        okButtonProps={{ danger: dialog === 'delete' }}
        cancelText={zhCN.app.cancel}
        confirmLoading={deleting.loading || restoring.loading}
        onOk={() => reasonForm.submit()}
        onCancel={() => setDialog(null)}
        destroyOnHidden
      >
        {dialog === 'delete' && <Typography.Paragraph type="secondary">{t.deleteHint}</Typography.Paragraph>}
        <Form
          form={reasonForm}
          layout="vertical"
          onFinish={(v) => void (dialog === 'delete' ? remove(v) : bringBack(v))}
        >
          <Form.Item
            name="reason"
            label={dialog === 'delete' ? t.reason : t.restoreReason}
            rules={dialog === 'delete' ? [{ required: true, whitespace: true, message: t.reasonRequired }] : []}
          >
            <Input.TextArea rows={3} maxLength={500} showCount />
          </Form.Item>
        </Form>
      </Modal>

      {dialog === 'image' && (
        <ArchiveCapture
          caseId={hit.case.id}
          materialCode={f.materialCode}
          materialName={hit.materialName}
          replace={{ id: f.id, version: f.version }}
          onClose={() => setDialog(null)}
          onUploaded={() => onChanged()}
        />
      )}
    </Drawer>
  );
}
