// Seeds what every spec shares, through the API as the bootstrapped admin: the four people of the
// suite, the sensitive destination github.com:443 and the service service.github.
import type { FullConfig } from '@playwright/test';

import { apiSession } from './support/api.ts';
import { ADMIN, APPROVER1, APPROVER2, ENGINEER, GITHUB, GITHUB_SERVICE, VIEWER } from './support/users.ts';

export default async function globalSetup(config: FullConfig): Promise<void> {
  const baseURL = config.projects[0]?.use.baseURL;
  if (!baseURL) throw new Error('baseURL is not configured');
  const admin = await apiSession(baseURL, ADMIN);
  try {
    for (const u of [ENGINEER, APPROVER1, APPROVER2, VIEWER]) {
      const res = await admin.send('POST', '/api/v1/users', {
        email: u.email,
        name: u.name,
        role: u.role,
        password: u.password,
      });
      if (res.status !== 201)
        throw new Error(`creating ${u.email} answered ${res.status}: ${JSON.stringify(res.body)}`);
    }
    await admin.factories.destination({
      host: GITHUB.host,
      ports: [{ port: GITHUB.port, protocol: 'TCP' }],
      sensitivity: 'sensitive',
      description: 'Source code hosting',
    });
    await admin.factories.service({
      name: GITHUB_SERVICE.name,
      namespace: GITHUB_SERVICE.namespace,
      selector: { matchLabels: { app: GITHUB_SERVICE.label } },
      team: 'platform',
    });
  } finally {
    await admin.dispose();
  }
}
