import { HubError } from '../errors.ts';
import { aboutField, type Words } from './words.ts';

/**
 * 400 TT_REQUEST_INVALID that knows which field is wrong, so the answer can carry `field` for a
 * form or a script to point at (docs/api.md).
 */
export class InvalidRequest extends HubError {
  declare readonly field: string;

  constructor(field: string, detail: Words) {
    super('TT_REQUEST_INVALID', detail, { field });
    this.name = 'InvalidRequest';
  }
}

/** The request is invalid because of one field, e.g. `to` before `from`. */
export const invalidField = (field: string, what: Words): InvalidRequest =>
  new InvalidRequest(field, aboutField(field, what));
