export const UPSTREAM_AGENT = Symbol('UPSTREAM_AGENT');
