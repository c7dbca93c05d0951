// Small pieces every grant view shares, so a state or a destination reads the same everywhere.
import type { Grant, GrantState } from '@egress/shared';
import { Link } from '@tanstack/react-router';

import { Badge, LockIcon, type Tone } from '../../../components/ui/badge.tsx';
import { HostName } from '../../../components/ui/host-name.tsx';
import { utc } from '../../../lib/format.ts';

const TONE: Record<GrantState, Tone> = {
  pending: 'amber',
  active: 'green',
  rejected: 'grey',
  cancelled: 'grey',
  revoked: 'grey',
  expired: 'grey',
};

function decidedText(grant: Grant): string {
  const who = grant.decidedBy ? ` by ${grant.decidedBy}` : '';
  const when = grant.decidedAt ? ` at ${utc(grant.decidedAt)}` : '';
  const reason = grant.reason ? `: ${grant.reason}` : '';
  return `${grant.state[0]?.toUpperCase() ?? ''}${grant.state.slice(1)}${who}${when}${reason}`;
}

function explain(grant: Grant): string {
  switch (grant.state) {
    case 'pending':
      return `${grant.approvals.length} of ${grant.requiredApprovals} approvals`;
    case 'active':
      return grant.expiresAt ? `Active until ${utc(grant.expiresAt)}` : 'Active, no expiry';
    case 'expired':
    case 'rejected':
    case 'cancelled':
    case 'revoked':
      return decidedText(grant);
  }
}

export function GrantStateBadge({ grant }: { grant: Grant }) {
  return (
    <Badge tone={TONE[grant.state]} title={explain(grant)}>
      {grant.state}
    </Badge>
  );
}

/** A globe with a ring: "any host". Drawn, not an emoji, so it renders without emoji fonts. */
export function WideIcon() {
  return (
    <svg className="icon" viewBox="0 0 16 16" width="13" height="13" aria-hidden="true" focusable="false">
      <circle cx="8" cy="8" r="6.5" fill="none" stroke="currentColor" strokeWidth="1.6" />
      <path
        d="M1.5 8h13M8 1.5c2 2 2.8 4.2 2.8 6.5S10 12.5 8 14.5M8 1.5C6 3.5 5.2 5.7 5.2 8S6 12.5 8 14.5"
        fill="none"
        stroke="currentColor"
        strokeWidth="1.3"
      />
    </svg>
  );
}

/**
 * The widest access there is, marked more strongly than "sensitive": an icon, the words, and a filled
 * block (never colour alone).
 */
export function PortWideMark({ port }: { port: number }) {
  return (
    <span
      className="portwide-mark"
      title={`Port-wide: any public host on port ${port}. The widest access: two approvals and a comment each.`}
    >
      <WideIcon />
      <span>port-wide · any host</span>
    </span>
  );
}

/** "github.com:443" with the lock for sensitive destinations, or "any host:443" for port-wide grants. */
export function GrantTarget({ grant }: { grant: Grant }) {
  if (grant.destination === null) {
    return (
      <span className="target">
        <em>any host</em>:{grant.port} <PortWideMark port={grant.port} />
      </span>
    );
  }
  const sensitive = grant.destinationSensitivity === 'sensitive';
  // The host wraps only after a dot; the port stays with its last label.
  const label = (
    <>
      <HostName host={grant.destination} />
      <span className="nowrap">:{grant.port}</span>
    </>
  );
  return (
    <span className="target">
      {grant.destinationId ? (
        <Link to="/destinations/$destinationId" params={{ destinationId: grant.destinationId }}>
          {label}
        </Link>
      ) : (
        label
      )}
      {sensitive ? (
        <span className="sensitive-mark" title="Sensitive destination: two approvals">
          <LockIcon />
          <span>sensitive</span>
        </span>
      ) : null}
    </span>
  );
}

export function ServiceLink({ grant }: { grant: Grant }) {
  return (
    <Link to="/services/$serviceId" params={{ serviceId: grant.serviceId }}>
      {grant.service}
    </Link>
  );
}

/** "1 of 2 · alice, bob": who approved so far (full addresses on hover). */
export function ApprovalsSummary({ grant }: { grant: Grant }) {
  const names = grant.approvals.map((a) => a.approver);
  return (
    <span title={names.length ? `Approved by ${names.join(', ')}` : 'No approvals yet'}>
      <span className="nowrap">
        {grant.approvals.length} of {grant.requiredApprovals}
      </span>
      {names.length ? (
        <span className="muted small"> · {names.map((n) => n.split('@')[0]).join(', ')}</span>
      ) : null}
    </span>
  );
}
