import { describe, expect, it, vi } from 'vitest';
import { screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import {
  StartBirthRegistrationDocument,
  type StartBirthRegistrationMutation,
  type StartBirthRegistrationMutationVariables,
} from '../../../graphql/generated/graphql';
import { codeListMocks, renderWithProviders, typedMock } from '../../../test/render';
import { zhCN } from '../../../locales/zh-CN';
import { BirthIntakeForm, type IntakeValues } from './BirthIntakeForm';

const filled: IntakeValues = {
  certificateNumber: 'M139999999',
  newbornName: '张小明',
  ethnicity: '01',
  relation: '20',
  settleWith: 'FATHER',
  declarantName: '张伟',
  declarantIdNumber: '11010519491231002X',
  declarantPhone: '13800000000',
};

const variables: StartBirthRegistrationMutationVariables = {
  input: {
    certificateNumber: 'M139999999',
    applicant: {
      newbornName: '张小明',
      ethnicity: '01',
      relation: '20',
      settleWith: 'FATHER',
      declarantName: '张伟',
      declarantIdNumber: '11010519491231002X',
      declarantPhone: '13800000000',
    },
  },
};

function formItemOf(label: string): HTMLElement {
  const el = screen.getByText(label, { selector: 'label' }).closest('.ant-form-item');
  if (!(el instanceof HTMLElement)) throw new Error(`no form item labelled ${label}`);
  return el;
}

describe('BirthIntakeForm', () => {
  it('shows the server field error on the certificate number field', async () => {
    const onCreated = vi.fn();
    const failure = typedMock<StartBirthRegistrationMutation, StartBirthRegistrationMutationVariables>({
      request: { query: StartBirthRegistrationDocument, variables },
      result: {
        errors: [
          {
            message: 'the Ministry has no medical birth certificate M139999999; check the number',
            extensions: { code: 'BAD_USER_INPUT', field: 'certificateNumber', reason: 'birth.certificate_unknown' },
          },
        ],
      },
    });
    renderWithProviders(<BirthIntakeForm initialValues={filled} onCreated={onCreated} />, [...codeListMocks, failure]);

    await userEvent.click(screen.getByRole('button', { name: /保存并受理/ }));

    const item = formItemOf('出生医学证明编号');
    expect(await within(item).findByText('公安部未查到该出生医学证明，请核对编号')).toBeInTheDocument();
    expect(within(formItemOf('申报人公民身份号码')).queryByRole('alert')).toBeNull();
    expect(screen.queryByText(/Ministry/)).toBeNull();
    expect(onCreated).not.toHaveBeenCalled();
  });

  it('shows a server ID-number error on the declarant ID field', async () => {
    const failure = typedMock<StartBirthRegistrationMutation, StartBirthRegistrationMutationVariables>({
      request: { query: StartBirthRegistrationDocument, variables },
      result: {
        errors: [
          {
            message: 'invalid ID number: 110105 is not a known division',
            extensions: { code: 'BAD_USER_INPUT', field: 'declarantIdNumber', reason: 'id_number.division' },
          },
        ],
      },
    });
    renderWithProviders(<BirthIntakeForm initialValues={filled} onCreated={vi.fn()} />, [...codeListMocks, failure]);
    await userEvent.click(screen.getByRole('button', { name: /保存并受理/ }));
    expect(await within(formItemOf('申报人公民身份号码')).findByText('前 6 位不是有效的行政区划代码')).toBeInTheDocument();
  });

  it('makes 落户方式 a named, required radio group (not a div with aria-required)', () => {
    renderWithProviders(<BirthIntakeForm initialValues={filled} onCreated={vi.fn()} />, codeListMocks);
    const group = screen.getByRole('radiogroup', { name: '落户方式' });
    expect(group).toHaveAttribute('aria-required', 'true');
    expect(within(group).getAllByRole('radio')).toHaveLength(2);
  });

  it('checks the declarant ID number check digit before sending anything', async () => {
    const onCreated = vi.fn();
    renderWithProviders(
      <BirthIntakeForm initialValues={{ ...filled, declarantIdNumber: '110105194912310021' }} onCreated={onCreated} />,
      codeListMocks,
    );
    await userEvent.click(screen.getByRole('button', { name: /保存并受理/ }));
    expect(await within(formItemOf('申报人公民身份号码')).findByText('校验码错误，请核对号码是否录入有误')).toBeInTheDocument();
    expect(onCreated).not.toHaveBeenCalled();
  });

  it('checks a Latin name and a bad phone before sending anything, each under its field in Chinese', async () => {
    const onCreated = vi.fn();
    renderWithProviders(
      <BirthIntakeForm initialValues={{ ...filled, newbornName: 'Tom123', declarantPhone: 'abc' }} onCreated={onCreated} />,
      codeListMocks,
    );
    await userEvent.click(screen.getByRole('button', { name: /保存并受理/ }));
    expect(await within(formItemOf('新生儿姓名')).findByText(zhCN.errors.reasons['birth.name_chinese'])).toBeInTheDocument();
    expect(await within(formItemOf('联系电话')).findByText(zhCN.errors.reasons['birth.phone'])).toBeInTheDocument();
    expect(onCreated).not.toHaveBeenCalled();
  });

  it('shows the server refusing a relation for the newborn’s sex on the relation field', async () => {
    const failure = typedMock<StartBirthRegistrationMutation, StartBirthRegistrationMutationVariables>({
      request: { query: StartBirthRegistrationDocument, variables },
      result: {
        errors: [
          {
            message: '子 (20) does not fit the newborn\'s sex (女)',
            extensions: { code: 'BAD_USER_INPUT', field: 'relation', reason: 'birth.relation_sex' },
          },
        ],
      },
    });
    renderWithProviders(<BirthIntakeForm initialValues={filled} onCreated={vi.fn()} />, [...codeListMocks, failure]);
    await userEvent.click(screen.getByRole('button', { name: /保存并受理/ }));
    expect(await within(formItemOf('与户主关系')).findByText('与户主关系与新生儿性别（以出生医学证明为准）不符')).toBeInTheDocument();
  });
});
