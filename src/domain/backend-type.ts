export const BACKEND_TYPES = ['cloudrun', 'cloudbatch', 'vertex', 'docker'] as const;
export type BackendType = (typeof BACKEND_TYPES)[number];
