import { can } from '@egress/shared';
import { useQuery } from '@tanstack/react-query';

import { NotAvailable } from '../../../components/ui/empty-state.tsx';
import { ErrorPanel } from '../../../components/ui/error-panel.tsx';
import { BlockSkeleton } from '../../../components/ui/skeleton.tsx';
import { isNotFound } from '../../../lib/api-client.ts';
import { useMe } from '../../auth/api/auth.queries.ts';
import { settingsQuery } from '../api/settings.queries.ts';
import { SettingsForm } from '../forms/settings-form.tsx';

export function SettingsPage() {
  const me = useMe();
  const allowed = can(me.role, 'settings.read');
  const query = useQuery({ ...settingsQuery(), enabled: allowed });
  let body: React.ReactNode;
  if (!allowed) body = <p className="callout">Settings need the admin role.</p>;
  else if (query.isPending) body = <BlockSkeleton lines={8} label="Loading settings" />;
  else if (query.isError)
    body = isNotFound(query.error) ? (
      <NotAvailable title="Settings are not available on this server yet." />
    ) : (
      <ErrorPanel error={query.error} what="settings" />
    );
  else
    body = can(me.role, 'settings.write') ? (
      <SettingsForm settings={query.data} />
    ) : (
      <pre className="yaml">{JSON.stringify(query.data, null, 2)}</pre>
    );
  return (
    <div className="page">
      <header className="page-header">
        <div>
          <h1>Settings</h1>
          <p className="muted">
            Cluster facts the manifest compiler needs. Changes are audited and trigger a reconcile.
          </p>
        </div>
      </header>
      {body}
    </div>
  );
}
