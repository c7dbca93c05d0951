// Top-bar search: services and destinations by name, grants by id. Results are plain links, so they
// are reachable with Tab and announced as a list.
import { useQuery } from '@tanstack/react-query';
import { Link, useNavigate } from '@tanstack/react-router';
import { useEffect, useState } from 'react';

import { api } from '../../lib/api-client.ts';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function useDebounced(value: string, ms = 250) {
  const [v, setV] = useState(value);
  useEffect(() => {
    const t = window.setTimeout(() => setV(value), ms);
    return () => window.clearTimeout(t);
  }, [value, ms]);
  return v;
}

export function GlobalSearch() {
  const [text, setText] = useState('');
  const [open, setOpen] = useState(false);
  const navigate = useNavigate();
  const q = useDebounced(text.trim());
  const enabled = q.length >= 2 && !UUID.test(q);
  const results = useQuery({
    queryKey: ['search', q],
    enabled,
    queryFn: async ({ signal }) => {
      const [services, destinations] = await Promise.all([
        api.listServices({ query: { q, limit: 5 } }, { signal }),
        api.listDestinations({ query: { q, limit: 5 } }, { signal }),
      ]);
      return { services: services.items, destinations: destinations.items };
    },
  });
  const close = () => {
    setOpen(false);
    setText('');
  };
  const data = results.data;
  const empty = data && data.services.length === 0 && data.destinations.length === 0;

  return (
    <form
      role="search"
      className="global-search"
      onSubmit={(e) => {
        e.preventDefault();
        if (UUID.test(text.trim())) {
          void navigate({ to: '/grants/$grantId', params: { grantId: text.trim().toLowerCase() } });
          close();
        }
      }}
      onKeyDown={(e) => e.key === 'Escape' && setOpen(false)}
      onBlur={(e) => !e.currentTarget.contains(e.relatedTarget) && setOpen(false)}
    >
      <label htmlFor="global-search" className="sr-only">
        Search services, destinations, or a grant id
      </label>
      <input
        id="global-search"
        type="search"
        placeholder="Search services, destinations, grant id…"
        value={text}
        autoComplete="off"
        onChange={(e) => {
          setText(e.target.value);
          setOpen(true);
        }}
        onFocus={() => setOpen(true)}
      />
      {open && enabled && data ? (
        <div className="search-results" aria-live="polite">
          {empty ? <p className="muted small">Nothing matches “{q}”.</p> : null}
          {data.services.length ? (
            <ul aria-label="Services">
              {data.services.map((s) => (
                <li key={s.id}>
                  <Link to="/services/$serviceId" params={{ serviceId: s.id }} onClick={close}>
                    {s.name} <span className="muted small">service · {s.namespace}</span>
                  </Link>
                </li>
              ))}
            </ul>
          ) : null}
          {data.destinations.length ? (
            <ul aria-label="Destinations">
              {data.destinations.map((d) => (
                <li key={d.id}>
                  <Link to="/destinations/$destinationId" params={{ destinationId: d.id }} onClick={close}>
                    {d.host} <span className="muted small">destination</span>
                  </Link>
                </li>
              ))}
            </ul>
          ) : null}
        </div>
      ) : null}
      {open && UUID.test(text.trim()) ? (
        <div className="search-results">
          <p className="small">Press Enter to open grant {text.trim().slice(0, 8)}…</p>
        </div>
      ) : null}
    </form>
  );
}
