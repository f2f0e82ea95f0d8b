import { describe, expect, it } from 'vitest';
import { ERRORS, HubError } from '../hub/src/errors.ts';

describe('error catalogue', () => {
  it('every code is TT_ and upper case, with a message and an HTTP status', () => {
    for (const [code, entry] of Object.entries(ERRORS)) {
      expect(code).toMatch(/^TT_[A-Z_]+$/);
      expect(entry.vi.length).toBeGreaterThan(5);
      expect(entry.en.length).toBeGreaterThan(5);
      expect(entry.vi).not.toBe(entry.en);
      expect(entry.status).toBeGreaterThanOrEqual(400);
    }
  });

  it('an error carries its code, status and the detail that says what is wrong', () => {
    const err = new HubError('TT_DEVICE_UNKNOWN', '"btn-9"');
    expect(err).toMatchObject({
      code: 'TT_DEVICE_UNKNOWN',
      status: 404,
      message: 'device is not registered: "btn-9"',
    });
    expect(err.text('vi')).toBe('thiết bị chưa được đăng ký: "btn-9"');
  });

  it('a detail may say different words in each language', () => {
    const err = new HubError('TT_USAGE', { vi: 'thiếu --role', en: '--role is missing' });
    expect(err.text('vi')).toBe('cách dùng lệnh chưa đúng: thiếu --role');
    expect(err.message).toBe('command usage is wrong: --role is missing');
  });
});
