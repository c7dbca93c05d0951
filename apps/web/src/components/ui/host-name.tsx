import { Fragment } from 'react';

/**
 * A DNS name that wraps only where a person would break it: after a dot ("api.eu-central-1.\nexample.com"),
 * or after a hyphen inside a long label, never in the middle of a word (no break-anywhere). A label
 * with neither stays whole. The text copies as typed.
 */
export function HostName({ host }: { host: string }) {
  const labels = host.split('.');
  return (
    <span className="host">
      {labels.map((label, i) => (
        <Fragment key={i}>
          {i > 0 ? '.' : ''}
          {i > 0 ? <wbr /> : null}
          {label}
        </Fragment>
      ))}
    </span>
  );
}
