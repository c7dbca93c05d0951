import { useNavigate } from '@tanstack/react-router';
import { useMemo, useState } from 'react';

import { LOCK_PATH } from '../../../components/ui/badge.tsx';
import {
  ANY_HOST_ID,
  type Edge,
  type GraphLayout,
  type LeftNode,
  type RightNode,
  ROW,
} from './graph-layout.ts';

const WIDTH = 1000;
const NODE_W = 250;
const RIGHT_X = WIDTH - NODE_W;
const PAD = 8;
/** Edge labels are drawn for every edge only while the graph is small; otherwise on highlight. */
const LABEL_ALL_BELOW = 60;
const SLOT_W = 44;
const MAX_SLOTS = 8;

/** Each edge's position among the edges leaving the same node, ordered top to bottom by target. */
function labelSlots(layout: GraphLayout): Map<string, number> {
  const rightY = new Map(layout.right.map((n) => [n.id, n.y]));
  const bySource = new Map<string, Edge[]>();
  for (const e of layout.edges) bySource.set(e.from, [...(bySource.get(e.from) ?? []), e]);
  const slots = new Map<string, number>();
  for (const list of bySource.values()) {
    list
      .sort((a, b) => (rightY.get(a.to) ?? 0) - (rightY.get(b.to) ?? 0))
      .forEach((e, i) => slots.set(e.id, i));
  }
  return slots;
}

function cut(text: string, max = 32): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

function portsLabel(e: Edge): string {
  const ports = e.ports.length > 3 ? `${e.ports.slice(0, 3).join(', ')}…` : e.ports.join(', ');
  const label = e.grants > e.ports.length ? `${ports} (${e.grants})` : ports;
  // Sensitive edges say so in words as well as by colour and dash pattern.
  return e.sensitive ? `${label} · sensitive` : label;
}

interface Props {
  layout: GraphLayout;
  onToggle: (namespace: string) => void;
}

export function GraphCanvas({ layout, onToggle }: Props) {
  const navigate = useNavigate();
  const [focus, setFocus] = useState<string | null>(null);
  const leftY = new Map(layout.left.map((n) => [n.id, n.y + ROW / 2 + PAD]));
  const rightY = new Map(layout.right.map((n) => [n.id, n.y + ROW / 2 + PAD]));
  const lit = (e: Edge) => focus !== null && (e.from === focus || e.to === focus);
  const labelAll = layout.edges.length < LABEL_ALL_BELOW;
  const slots = useMemo(() => labelSlots(layout), [layout]);

  const openLeft = (n: LeftNode) =>
    n.kind === 'namespace'
      ? onToggle(n.namespace)
      : void navigate({ to: '/services/$serviceId', params: { serviceId: n.id } });
  const openRight = (n: RightNode) =>
    n.id === ANY_HOST_ID
      ? void navigate({ to: '/grants', search: { portWide: 'true' } })
      : void navigate({ to: '/destinations/$destinationId', params: { destinationId: n.id } });
  const hover = (id: string | null) => setFocus(id);

  return (
    <svg
      className={`graph${focus ? ' has-focus' : ''}`}
      viewBox={`0 0 ${WIDTH} ${layout.height + PAD * 2}`}
      width="100%"
      role="group"
      aria-label="Access graph: services on the left, destinations on the right"
    >
      {/* Long names are clipped at the node's edge, not cut with "…": the text on screen stays the start
          of the node's accessible name (WCAG 2.5.3), and the full name is in its tooltip. */}
      <defs>
        <clipPath id="graph-node-clip">
          <rect x={0} y={0} width={NODE_W - 6} height={ROW} />
        </clipPath>
      </defs>
      <g className="edges" aria-hidden="true">
        {layout.edges.map((e) => {
          const y1 = leftY.get(e.from) ?? 0;
          const y2 = rightY.get(e.to) ?? 0;
          const x1 = NODE_W;
          const x2 = RIGHT_X;
          const mx = (x1 + x2) / 2;
          const cls = `edge${e.sensitive ? ' edge-sensitive' : ''}${e.portWide ? ' edge-wide' : ''}${lit(e) ? ' edge-lit' : ''}`;
          // Labels sit by the source, one slot per edge of that source, so they never pile up mid-canvas.
          const slot = slots.get(e.id) ?? 0;
          const showLabel = (labelAll || lit(e)) && slot < MAX_SLOTS;
          return (
            <g key={e.id} className={cls}>
              <path
                d={`M${x1},${y1} C${mx},${y1} ${mx},${y2} ${x2},${y2}`}
                strokeWidth={Math.min(1 + Math.log2(e.grants), 5)}
              />
              {showLabel ? (
                <text x={x1 + 6 + slot * SLOT_W} y={y1 - 3} className="edge-label">
                  {portsLabel(e)}
                </text>
              ) : null}
            </g>
          );
        })}
      </g>
      <g className="nodes-left">
        {layout.left.map((n) => (
          <g
            key={n.id}
            transform={`translate(0, ${n.y + PAD})`}
            className={`node node-${n.kind}${focus === n.id ? ' node-lit' : ''}`}
            role={n.kind === 'namespace' ? 'button' : 'link'}
            tabIndex={0}
            aria-expanded={n.kind === 'namespace' ? !n.collapsed : undefined}
            aria-label={
              n.kind === 'namespace'
                ? `Namespace ${n.label}, ${n.serviceCount ?? 0} services, ${n.collapsed ? 'collapsed' : 'expanded'}`
                : `Service ${n.label}`
            }
            onMouseEnter={() => hover(n.id)}
            onMouseLeave={() => hover(null)}
            onFocus={() => hover(n.id)}
            onBlur={() => hover(null)}
            onClick={() => openLeft(n)}
            onKeyDown={(e) => (e.key === 'Enter' || e.key === ' ') && (e.preventDefault(), openLeft(n))}
          >
            <rect width={NODE_W} height={ROW - 4} rx={4} />
            <text
              x={n.kind === 'namespace' ? 8 : 18}
              y={ROW / 2 + 2}
              clipPath={n.kind === 'namespace' ? undefined : 'url(#graph-node-clip)'}
            >
              {n.kind === 'namespace'
                ? `${n.collapsed ? '▸' : '▾'} ${cut(n.label, 24)} (${n.serviceCount ?? 0})`
                : n.label}
            </text>
            <title>{n.label}</title>
          </g>
        ))}
      </g>
      <g className="nodes-right">
        {layout.right.map((n) => (
          <g
            key={n.id}
            transform={`translate(${RIGHT_X}, ${n.y + PAD})`}
            className={`node node-${n.kind}${n.sensitive ? ' node-sensitive' : ''}${focus === n.id ? ' node-lit' : ''}`}
            role="link"
            tabIndex={0}
            aria-label={`Destination ${n.label}${n.sensitive ? ', sensitive' : ''}`}
            onMouseEnter={() => hover(n.id)}
            onMouseLeave={() => hover(null)}
            onFocus={() => hover(n.id)}
            onBlur={() => hover(null)}
            onClick={() => openRight(n)}
            onKeyDown={(e) => (e.key === 'Enter' || e.key === ' ') && (e.preventDefault(), openRight(n))}
          >
            <rect width={NODE_W} height={ROW - 4} rx={4} />
            {n.sensitive ? (
              <path
                className="node-lock"
                d={LOCK_PATH}
                transform={`translate(7, ${(ROW - 4 - 12) / 2}) scale(0.75)`}
              />
            ) : null}
            <text x={n.sensitive ? 24 : 8} y={ROW / 2 + 2} clipPath="url(#graph-node-clip)">
              {n.label}
            </text>
            <title>{n.label}</title>
          </g>
        ))}
      </g>
    </svg>
  );
}
