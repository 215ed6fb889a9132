import { describe, expect, it } from 'vitest';
import { onlineAcceptInput } from './onlineAccept';

const fingers = [
  { position: 2, notAvailable: '', template: 'T', image: 'I' },
  { position: 7, notAvailable: 'MISSING', template: '', image: '' },
];

describe('accepting an online ID card application (#18, 3.1.4)', () => {
  it('sends the contact details as the clerk confirmed them, with the captures', () => {
    const input = onlineAcceptInput(
      { id: 'app-9', version: 2 },
      { phone: ' 13800001111 ', pickup: 'POST', postAddress: ' 石家庄市长安区中山东路1号 ', postRecipient: '张三', postCode: '050000 ', reasonNote: ' 改名 ' },
      '/9j/AQID',
      fingers,
    );
    expect(input).toEqual({
      id: 'app-9',
      version: 2,
      photo: '/9j/AQID',
      fingerprints: fingers,
      phone: '13800001111',
      pickup: 'POST',
      postAddress: '石家庄市长安区中山东路1号',
      postRecipient: '张三',
      postCode: '050000',
      reasonNote: '改名',
    });
  });

  it('clears the postal fields for a pick-up in person, and never sends the identity', () => {
    const input = onlineAcceptInput(
      { id: 'app-9', version: 2 },
      { phone: '13912345678', pickup: 'IN_PERSON', postAddress: '旧地址', postRecipient: '张三', postCode: '050000', reasonNote: '' },
      '/9j/AQID',
      fingers,
    );
    expect(input).toMatchObject({ pickup: 'IN_PERSON', postAddress: '', postRecipient: '', postCode: '', reasonNote: '' });
    expect(Object.keys(input)).not.toContain('idNumber');
    expect(Object.keys(input)).not.toContain('reason');
    expect(Object.keys(input)).not.toContain('applicationKind');
  });
});
