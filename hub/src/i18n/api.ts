// The words of the HTTP API's answers, e.g. why a request is invalid.
export const vi = {} as const;
export const en = {} as const satisfies Record<keyof typeof vi, string>;
