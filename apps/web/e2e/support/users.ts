// The people of the e2e suite. The admin is bootstrapped by the server from the environment; the rest
// are created through the API in global-setup.ts.
import type { Role } from '@egress/shared';

export interface E2eUser {
  email: string;
  name: string;
  role: Role;
  password: string;
}

const PASSWORD = 'e2e-password-not-secret';

export const ADMIN: E2eUser = {
  email: 'admin@e2e.example.com',
  name: 'E2E Admin',
  role: 'admin',
  password: 'e2e-admin-password-not-secret',
};
export const ENGINEER: E2eUser = {
  email: 'engineer@e2e.example.com',
  name: 'Erin Engineer',
  role: 'engineer',
  password: PASSWORD,
};
export const APPROVER1: E2eUser = {
  email: 'approver1@e2e.example.com',
  name: 'Alex Approver',
  role: 'approver',
  password: PASSWORD,
};
export const APPROVER2: E2eUser = {
  email: 'approver2@e2e.example.com',
  name: 'Blake Approver',
  role: 'approver',
  password: PASSWORD,
};
export const VIEWER: E2eUser = {
  email: 'viewer@e2e.example.com',
  name: 'Vic Viewer',
  role: 'viewer',
  password: PASSWORD,
};

/** The destination and service of the main workflow (the example of docs/api.md and docs/design.md). */
export const GITHUB = { host: 'github.com', port: 443 } as const;
export const GITHUB_SERVICE = { name: 'service.github', namespace: 'ci', label: 'github-sync-e2e' } as const;
