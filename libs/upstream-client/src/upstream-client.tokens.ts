export const UPSTREAM_AGENTS = Symbol('UPSTREAM_AGENTS');
