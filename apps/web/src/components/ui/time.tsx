import { relativeTime, utc } from '../../lib/format.ts';

/** A relative time ("3 h ago") with the exact UTC time on hover and for assistive technology. */
export function RelativeTime({ iso, fallback = '—' }: { iso: string | null | undefined; fallback?: string }) {
  if (!iso) return <span className="muted">{fallback}</span>;
  return (
    <time dateTime={iso} title={utc(iso)}>
      {relativeTime(iso)}
    </time>
  );
}
