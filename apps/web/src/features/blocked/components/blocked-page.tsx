import { NotAvailable } from '../../../components/ui/empty-state.tsx';

export function BlockedEgressPage() {
  return (
    <div className="page">
      <header className="page-header">
        <div>
          <h1>Blocked egress</h1>
          <p className="muted">
            Connections the default-deny policy refused: which workload tried to reach which address.
          </p>
        </div>
      </header>
      <NotAvailable title="Blocked connection reports are not collected yet.">
        This page lists denied egress once the API serves it (GET /api/v1/blocked-egress). Until then, use
        your cluster&apos;s network-policy logs.
      </NotAvailable>
    </div>
  );
}
