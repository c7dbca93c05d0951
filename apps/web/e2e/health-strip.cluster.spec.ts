// Drift raised and healed from the dashboard (issue 18), on the kubernetes target against a real
// kube-apiserver (playwright.cluster.config.ts): "mallory" opens a gateway NetworkPolicy with her own
// field manager; the approver's health strip shows the drifted object, Re-apply heals it, and the strip
// then names who had changed it; the audit log has the detection, the healing and the re-apply request.
import { expect, test } from '@playwright/test';

import { apiSession, expectOk, signIn } from './support/api.ts';
import { kubeAdmin } from './support/kube.ts';
import {
  GATEWAY_NAMESPACE,
  gatewayPolicyIngress,
  openGatewayPolicy,
  untilReconciled,
  untilRunsSettle,
} from './support/reconcile.ts';
import { snap } from './support/screenshots.ts';
import { APPROVER1, ENGINEER } from './support/users.ts';

test('the health strip shows drift on a gateway policy; Re-apply heals it and names who changed it', async ({
  page,
  baseURL,
}) => {
  const kube = kubeAdmin();
  const engineer = await apiSession(baseURL ?? '', ENGINEER);
  const approver = await apiSession(baseURL ?? '', APPROVER1);
  const destination = await approver.factories.destination({ host: 'strip-drift.e2e.example.com' });
  const service = await engineer.factories.service({
    name: 'service.strip-drift-e2e',
    namespace: 'apps-e2e',
    selector: { matchLabels: { app: 'strip-drift-e2e' } },
  });
  const grant = await engineer.factories.grant({
    service: service.name,
    destination: destination.host,
    port: 443,
  });
  await expectOk(await approver.send('POST', `/api/v1/grants/${grant.id}/approve`, { comment: 'Checked.' }));
  await untilReconciled(approver, destination.gatewayName);
  await untilRunsSettle(approver);

  await openGatewayPolicy(kube, destination.gatewayName, 'mallory');

  await signIn(page, APPROVER1);
  await page.goto('/');
  const drift = page.getByRole('region', { name: 'Health' }).getByRole('region', { name: 'Drift' });
  await expect(drift).toContainText('1 object drifted');
  const item = drift
    .getByRole('list', { name: 'Drifted objects' })
    .getByRole('listitem')
    .filter({ hasText: `NetworkPolicy ${GATEWAY_NAMESPACE}/${destination.gatewayName}` });
  await expect(item).toContainText(/modified by another field manager: .*"mallory"/);
  await snap(page, 'cluster-10-strip-drift');

  await drift.getByRole('button', { name: 'Re-apply' }).click();
  const dialog = page.getByRole('dialog', { name: 'Re-apply the desired state' });
  await dialog.getByLabel('Reason (optional)').fill('the gateway policy was opened by hand');
  await dialog.getByRole('button', { name: 'Re-apply now' }).click();
  await expect(page.getByRole('status').filter({ hasText: 'Re-apply queued' })).toBeVisible();

  // Healed: the strip reads again by itself and names who had changed it.
  await expect(drift).toContainText('no drift', { timeout: 20_000 });
  await expect(drift).toContainText(
    `NetworkPolicy ${GATEWAY_NAMESPACE}/${destination.gatewayName} changed by mallory`,
  );
  await snap(page, 'cluster-11-strip-healed');
  expect(await gatewayPolicyIngress(kube, destination.gatewayName)).not.toEqual([{}]);

  const audit = async (action: string) =>
    (
      (await expectOk(await approver.send('GET', `/api/v1/audit-events?action=${action}&limit=5`))) as {
        items: { actor: string; targetId: string | null; after: Record<string, unknown> }[];
      }
    ).items;
  expect((await audit('reconcile.reapply_requested'))[0]).toMatchObject({
    actor: APPROVER1.email,
    after: { reason: 'the gateway policy was opened by hand' },
  });
  expect((await audit('reconcile.drift_detected'))[0]).toMatchObject({
    targetId: `NetworkPolicy/${GATEWAY_NAMESPACE}/${destination.gatewayName}`,
    after: {
      managers: ['mallory'],
      fields: [{ path: '.spec.ingress', change: 'changed', managers: ['mallory'] }],
    },
  });
  expect((await audit('reconcile.drift_healed'))[0]).toMatchObject({
    after: { restored: ['.spec.ingress'] },
  });

  await engineer.dispose();
  await approver.dispose();
});
