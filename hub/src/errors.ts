/**
 * The hub's catalogue of coded errors. Every error a person may see carries a stable code, so that
 * operators can search the docs for it, and a reason they can act on, in Vietnamese and English.
 */
export const ERRORS = {
  TT_CONFIG_INVALID: { status: 500, vi: 'cấu hình xã không hợp lệ', en: 'site config is invalid' },
  TT_CONFIG_UNREADABLE: { status: 500, vi: 'không đọc được cấu hình xã', en: 'site config cannot be read' },
  TT_SETTINGS_INVALID: {
    status: 500,
    vi: 'biến môi trường không hợp lệ',
    en: 'environment setting is invalid',
  },
  TT_DATA_DIR_UNUSABLE: {
    status: 500,
    vi: 'không dùng được thư mục dữ liệu',
    en: 'data directory cannot be used',
  },
  TT_HUB_RUNNING: {
    status: 409,
    vi: 'một trạm khác đang chạy trên thư mục dữ liệu này',
    en: 'another hub is running on this data directory',
  },
  TT_PORT_BUSY: { status: 500, vi: 'cổng đang bị chương trình khác dùng', en: 'port is in use' },
  TT_LISTEN_FAILED: { status: 500, vi: 'không mở được cổng', en: 'cannot listen' },
  TT_STORE_MIGRATION: { status: 500, vi: 'nâng cấp kho dữ liệu thất bại', en: 'store migration failed' },
  TT_DEVICE_EXISTS: { status: 409, vi: 'thiết bị đã có', en: 'device already exists' },
  TT_DEVICE_UNKNOWN: { status: 404, vi: 'thiết bị chưa được đăng ký', en: 'device is not registered' },
  TT_DEVICE_INVALID: { status: 400, vi: 'thông tin thiết bị không hợp lệ', en: 'device details are invalid' },
  TT_DEVICE_REVOKED: { status: 409, vi: 'thiết bị đã bị thu hồi', en: 'device is revoked' },
  TT_DEVICE_OFFLINE: { status: 409, vi: 'thiết bị đang ngoại tuyến', en: 'device is offline' },
  TT_DEVICE_NO_ANSWER: {
    status: 504,
    vi: 'thiết bị không trả lời lệnh',
    en: 'device did not answer the command',
  },
  TT_INTEGRATION_INVALID: {
    status: 400,
    vi: 'mã kết nối tích hợp không hợp lệ',
    en: 'integration id is invalid',
  },
  TT_INTEGRATION_EXISTS: { status: 409, vi: 'mã kết nối tích hợp đã có', en: 'integration already exists' },
  TT_INTEGRATION_UNKNOWN: {
    status: 404,
    vi: 'kết nối tích hợp chưa được đăng ký',
    en: 'integration is not registered',
  },
  TT_USER_EXISTS: { status: 409, vi: 'người dùng đã có', en: 'user already exists' },
  TT_USER_UNKNOWN: { status: 404, vi: 'không có người dùng này', en: 'user does not exist' },
  TT_USER_SELF: { status: 409, vi: 'không thể tự xoá tài khoản của mình', en: 'you cannot remove yourself' },
  TT_USER_INVALID: { status: 400, vi: 'thông tin người dùng không hợp lệ', en: 'user details are invalid' },
  TT_LOGIN_FAILED: {
    status: 401,
    vi: 'sai tên đăng nhập hoặc mật khẩu',
    en: 'wrong user name or password',
  },
  TT_LOGIN_THROTTLED: {
    status: 429,
    vi: 'đăng nhập sai quá nhiều lần; hãy chờ rồi thử lại',
    en: 'too many failed logins; wait before trying again',
  },
  TT_UNAUTHENTICATED: { status: 401, vi: 'hãy đăng nhập trước', en: 'log in first' },
  TT_FORBIDDEN: {
    status: 403,
    vi: 'vai trò của bạn không được làm việc này',
    en: 'your role may not do this',
  },
  TT_REQUEST_INVALID: { status: 400, vi: 'yêu cầu không hợp lệ', en: 'request is invalid' },
  TT_NOT_FOUND: { status: 404, vi: 'không có đường dẫn này', en: 'no such route' },
  TT_USAGE: { status: 400, vi: 'cách dùng lệnh chưa đúng', en: 'command usage is wrong' },
  TT_MQTT_UNREACHABLE: {
    status: 502,
    vi: 'không kết nối được MQTT của trạm',
    en: "cannot connect to the hub's MQTT",
  },
  TT_ALERT_UNKNOWN: { status: 404, vi: 'không có cảnh báo này', en: 'alert does not exist' },
  TT_ALERT_RESOLVED: {
    status: 409,
    vi: 'cảnh báo đã xử lý xong; không nhận thêm thao tác',
    en: 'alert is resolved; it takes no further action',
  },
  TT_PROGRAM_INVALID: { status: 400, vi: 'chương trình không hợp lệ', en: 'program is invalid' },
  TT_PROGRAM_UNKNOWN: { status: 404, vi: 'không có chương trình này', en: 'program does not exist' },
  TT_PROGRAM_STATE: {
    status: 409,
    vi: 'chương trình không ở trạng thái cho phép việc này',
    en: 'program is not in a state that allows this',
  },
  TT_PROGRAM_OWN_APPROVAL: {
    status: 403,
    vi: 'không được tự duyệt chương trình mình soạn',
    en: 'you may not approve a program you wrote',
  },
  TT_PROGRAM_OVERLAP: {
    status: 409,
    vi: 'lịch phát trùng với chương trình khác cùng cấp',
    en: 'schedule overlaps another program of the same tier',
  },
  TT_ASSET_TOO_LARGE: { status: 413, vi: 'tệp âm thanh quá lớn', en: 'audio file is too large' },
  TT_ASSET_NOT_AUDIO: {
    status: 415,
    vi: 'tệp không phải âm thanh đọc được',
    en: 'file is not audio that can be read',
  },
  TT_SPEECH_FAILED: {
    status: 502,
    vi: 'bộ đọc văn bản không tạo được âm thanh',
    en: 'the speech engine could not make audio',
  },
  TT_FLOW_NOT_ALLOWED: {
    status: 403,
    vi: 'quản trị viên chưa cho phép luồng này làm việc này',
    en: 'the admin has not allowed this flow to do this',
  },
  TT_EMERGENCY_UNCONFIRMED: {
    status: 400,
    vi: 'phát khẩn cấp cần xác nhận',
    en: 'an emergency broadcast must be confirmed',
  },
  TT_INTERNAL: { status: 500, vi: 'lỗi nội bộ; xem nhật ký của trạm', en: 'internal error; see the hub log' },
  TT_SIM_IN_USE: {
    status: 409,
    vi: 'các thiết bị mô phỏng đang được dùng',
    en: 'the simulated devices are in use',
  },
  TT_METHOD_NOT_ALLOWED: {
    status: 405,
    vi: 'đường dẫn này không nhận phương thức này',
    en: 'this route does not take this method',
  },
  TT_BODY_TOO_LARGE: { status: 413, vi: 'nội dung gửi lên quá lớn', en: 'request body is too large' },
  TT_MEDIA_TYPE_UNSUPPORTED: {
    status: 415,
    vi: 'kiểu nội dung gửi lên không được hỗ trợ',
    en: 'request content type is not supported',
  },
} as const satisfies Record<string, { status: number; vi: string; en: string }>;

export type ErrorCode = keyof typeof ERRORS;
export type Lang = 'vi' | 'en';

/** What exactly is wrong: the same words in both languages, or each language its own. */
export type Detail = string | { vi: string; en: string };

export class HubError extends Error {
  readonly code: ErrorCode;
  readonly status: number;
  readonly detail: Detail | undefined;
  /** The one field of a request that is wrong, by its dotted path, when one is (the API answers it). */
  readonly field: string | undefined;

  /** `detail` says what exactly is wrong, e.g. "site.yaml:14 desks[2].officer: required". */
  constructor(code: ErrorCode, detail?: Detail, options?: { cause?: unknown; field?: string }) {
    super(describe(code, detail, 'en'), options);
    this.name = 'HubError';
    this.code = code;
    this.status = ERRORS[code].status;
    this.detail = detail;
    this.field = options?.field;
  }

  /** The error in one language; `message` is the English one, for logs. */
  text(lang: Lang): string {
    return describe(this.code, this.detail, lang);
  }
}

function describe(code: ErrorCode, detail: Detail | undefined, lang: Lang): string {
  const what = ERRORS[code][lang];
  if (detail === undefined) return what;
  return `${what}: ${typeof detail === 'string' ? detail : detail[lang]}`;
}

export const isHubError = (err: unknown): err is HubError => err instanceof HubError;

/** How the CLI and the device programs print an error: Vietnamese first, then English. */
export function bilingual(err: HubError): string {
  return `Lỗi [${err.code}]: ${err.text('vi')}\nError [${err.code}]: ${err.text('en')}`;
}
