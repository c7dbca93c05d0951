import type { Grant, Me } from '@egress/shared';
import { Link } from '@tanstack/react-router';
import type { ReactNode } from 'react';

import { DataTable, type EmptyProps } from '../../../components/ui/data-table.tsx';
import { RelativeTime } from '../../../components/ui/time.tsx';
import { useMe } from '../../auth/api/auth.queries.ts';
import type { InboxFilter } from '../api/grants.queries.ts';
import { describeGrant } from './decision-dialog.tsx';
import { GrantActions } from './grant-actions.tsx';
import { ApprovalsSummary, GrantStateBadge, GrantTarget, ServiceLink } from './grant-bits.tsx';
import { LastUsed, UsageCell } from './grant-usage.tsx';

export type GrantColumn =
  | 'age'
  | 'requested'
  | 'requester'
  | 'service'
  | 'target'
  | 'justification'
  | 'approvals'
  | 'state'
  | 'expires'
  | 'decided'
  | 'lastUsed'
  | 'usage'
  | 'actions';

/** An address that may break before the "@" but never inside a word. */
function Email({ value }: { value: string }) {
  const at = value.indexOf('@');
  if (at < 0) return <>{value}</>;
  return (
    <>
      {value.slice(0, at)}
      <wbr />
      {value.slice(at)}
    </>
  );
}

/** The search a row's links carry to the grant page (the inbox's filters, for the review's way back). */
export type GrantLinkSearch = { from: 'inbox' } & InboxFilter;

/**
 * The row's link to the grant, showing when it was asked for. Its name starts with what it shows
 * ("3 h ago") and goes on for screen readers; an aria-label that replaced the visible text would
 * leave speech-input users unable to say what they see (WCAG 2.5.3, label in name).
 */
function GrantLink({ grant, search }: { grant: Grant; search?: GrantLinkSearch | undefined }) {
  return (
    <Link to="/grants/$grantId" params={{ grantId: grant.id }} search={search ?? {}}>
      <RelativeTime iso={grant.requestedAt} />
      <span className="sr-only">: grant {describeGrant(grant)}</span>
    </Link>
  );
}

interface CellContext {
  me: Me;
  linkSearch?: GrantLinkSearch | undefined;
}

const COLUMNS: Record<GrantColumn, { head: string; cell: (g: Grant, c: CellContext) => ReactNode }> = {
  age: {
    head: 'Requested',
    cell: (g, c) => <GrantLink grant={g} search={c.linkSearch} />,
  },
  requested: {
    head: 'Requested',
    cell: (g, c) => (
      <>
        <GrantLink grant={g} search={c.linkSearch} />
        <span className="muted small block">
          by <Email value={g.requestedBy} />
        </span>
      </>
    ),
  },
  requester: { head: 'Requester', cell: (g) => <Email value={g.requestedBy} /> },
  service: {
    head: 'Service',
    cell: (g) => (
      <>
        <ServiceLink grant={g} />
        <span className="muted small"> · {g.serviceNamespace}</span>
      </>
    ),
  },
  target: {
    head: 'Destination',
    cell: (g) => <GrantTarget grant={g} />,
  },
  justification: {
    head: 'Justification',
    cell: (g) => (
      <span className="clamp" title={g.justification}>
        {g.justification}
      </span>
    ),
  },
  approvals: { head: 'Approvals', cell: (g) => <ApprovalsSummary grant={g} /> },
  state: { head: 'State', cell: (g) => <GrantStateBadge grant={g} /> },
  expires: { head: 'Expires', cell: (g) => <RelativeTime iso={g.expiresAt} fallback="never" /> },
  decided: { head: 'Decided', cell: (g) => <RelativeTime iso={g.decidedAt} /> },
  lastUsed: { head: 'Last used', cell: (g) => <LastUsed grant={g} /> },
  usage: { head: 'Used (conn. · bytes)', cell: (g) => <UsageCell grant={g} /> },
  actions: {
    head: 'Actions',
    cell: (g, c) => <GrantActions grant={g} me={c.me} inList reviewSearch={c.linkSearch} />,
  },
};

interface Props {
  caption: string;
  grants: Grant[] | undefined;
  columns: GrantColumn[];
  empty: EmptyProps;
  linkSearch?: GrantLinkSearch | undefined;
}

function Rows({
  grants,
  columns,
  linkSearch,
}: {
  grants: readonly Grant[];
  columns: GrantColumn[];
  linkSearch?: GrantLinkSearch | undefined;
}) {
  const context: CellContext = { me: useMe(), linkSearch };
  return (
    <tbody>
      {grants.map((g) => (
        <tr key={g.id}>
          {columns.map((c) => (
            <td key={c} className={`col-${c}`}>
              {COLUMNS[c].cell(g, context)}
            </td>
          ))}
        </tr>
      ))}
    </tbody>
  );
}

export function GrantsTable({ caption, grants, columns, empty, linkSearch }: Props) {
  return (
    <DataTable
      caption={caption}
      head={columns.map((c) => (
        <th key={c} scope="col" className={`col-${c}`}>
          {COLUMNS[c].head}
        </th>
      ))}
      columns={columns.length}
      items={grants}
      empty={empty}
      body={(items) => <Rows grants={items} columns={columns} linkSearch={linkSearch} />}
    />
  );
}
