/**
 * The hub's catalogue of coded errors. Every error a person may see carries a stable code, so that
 * operators can search the docs for it, and a reason they can act on.
 */
export const ERRORS = {
  TT_CONFIG_INVALID: { status: 500, message: 'site config is invalid' },
  TT_CONFIG_UNREADABLE: { status: 500, message: 'site config cannot be read' },
  TT_SETTINGS_INVALID: { status: 500, message: 'environment setting is invalid' },
  TT_STORE_MIGRATION: { status: 500, message: 'store migration failed' },
  TT_DEVICE_EXISTS: { status: 409, message: 'device already exists' },
  TT_DEVICE_UNKNOWN: { status: 404, message: 'device is not registered' },
  TT_DEVICE_INVALID: { status: 400, message: 'device details are invalid' },
  TT_USER_EXISTS: { status: 409, message: 'user already exists' },
  TT_USER_INVALID: { status: 400, message: 'user details are invalid' },
  TT_LOGIN_FAILED: { status: 401, message: 'wrong user name or password' },
  TT_LOGIN_THROTTLED: { status: 429, message: 'too many failed logins; wait before trying again' },
  TT_UNAUTHENTICATED: { status: 401, message: 'log in first' },
  TT_FORBIDDEN: { status: 403, message: 'your role may not do this' },
  TT_REQUEST_INVALID: { status: 400, message: 'request is invalid' },
  TT_USAGE: { status: 400, message: 'command usage is wrong' },
  TT_ALERT_UNKNOWN: { status: 404, message: 'alert does not exist' },
  TT_ALERT_RESOLVED: { status: 409, message: 'alert is resolved; it takes no further action' },
} as const;

export type ErrorCode = keyof typeof ERRORS;

export class HubError extends Error {
  readonly code: ErrorCode;
  readonly status: number;

  /** `detail` says what exactly is wrong, e.g. "site.yaml:14 desks[2].officer: required". */
  constructor(code: ErrorCode, detail?: string, options?: { cause?: unknown }) {
    super(detail ? `${ERRORS[code].message}: ${detail}` : ERRORS[code].message, options);
    this.name = 'HubError';
    this.code = code;
    this.status = ERRORS[code].status;
  }
}

export const isHubError = (err: unknown): err is HubError => err instanceof HubError;
