import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { HubError, isHubError, type Lang } from '../errors.ts';
import { InvalidRequest } from './invalid-request.ts';
import { answerLanguage } from './language.ts';
import { words } from './words.ts';

/**
 * Every error the API answers, whoever raised it (docs/api.md): `message` in the language the
 * request asked for, `messages` in both, `field` when one field of the request is wrong.
 */
type ErrorAnswer = {
  error: {
    code: string;
    message: string;
    lang: Lang;
    messages: { vi: string; en: string };
    field?: string;
  };
};

function errorAnswer(err: HubError, lang: Lang): ErrorAnswer {
  return {
    error: {
      code: err.code,
      message: err.text(lang),
      lang,
      messages: { vi: err.text('vi'), en: err.text('en') },
      ...(err.field === undefined ? {} : { field: err.field }),
    },
  };
}

/** Answer with a coded error, in the request's language; logs it as fastify would. */
export function sendError(request: FastifyRequest, reply: FastifyReply, err: HubError): FastifyReply {
  // Client mistakes at info, our own failures at error (fastify's convention).
  if (err.status >= 500) request.log.error({ err: err.cause ?? err, url: request.url }, 'request failed');
  else {
    // The framework's own words stay in the log, for the technician, not in the answer.
    const cause = err.cause instanceof Error ? err.cause.message : undefined;
    request.log.info({ code: err.code, url: request.url, cause }, err.message);
  }
  const lang = answerLanguage(request.headers['accept-language']);
  return reply
    .status(err.status)
    .header('content-language', lang)
    .header('vary', 'accept-language')
    .send(errorAnswer(err, lang));
}

/**
 * Our own error for whatever a route or the framework threw. The framework's errors (bad JSON, a
 * body too large, a malformed URL) get our codes and words, never its English; anything else
 * is our failure, TT_INTERNAL, with the cause in the log only.
 */
export function asHubError(err: unknown, bodyLimit: number): HubError {
  if (isHubError(err)) return err;
  const { code, statusCode } = err as Partial<FastifyError>;
  switch (code) {
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
      return new InvalidRequest('body', words('api.badJson'));
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return new InvalidRequest('body', words('api.emptyJson'));
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return new HubError('TT_BODY_TOO_LARGE', words('api.bodyLimit', { bytes: bodyLimit }));
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return new HubError('TT_MEDIA_TYPE_UNSUPPORTED', words('api.mediaTypes'));
    case 'FST_ERR_BAD_URL':
    case 'FST_ERR_MAX_PARAM_LENGTH':
      return new HubError('TT_REQUEST_INVALID', words('api.badUrl'));
  }
  if (statusCode !== undefined && statusCode < 500)
    return new HubError('TT_REQUEST_INVALID', undefined, { cause: err });
  return new HubError('TT_INTERNAL', undefined, { cause: err });
}
