import { HubError } from '../errors.ts';

/** TT_PROGRAM_INVALID about one field: "zones: …", and the field for a form to point at. */
export const invalid = (field: string, what: { vi: string; en: string }) =>
  new HubError('TT_PROGRAM_INVALID', { vi: `${field}: ${what.vi}`, en: `${field}: ${what.en}` }, { field });
