import { QueryClient, QueryClientProvider, useQuery } from '@tanstack/react-query';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';

// A minimal page proving the build and the serving path; the console is built in its own issue.
const queryClient = new QueryClient();

interface Health {
  status: string;
}

async function fetchHealth(): Promise<Health> {
  const res = await fetch('/healthz');
  if (!res.ok) throw new Error(`healthz answered ${res.status}`);
  return (await res.json()) as Health;
}

function App() {
  const health = useQuery({ queryKey: ['healthz'], queryFn: fetchHealth });
  return (
    <main>
      <h1>Egress Control</h1>
      <p>
        API status: <output aria-label="API status">{health.data?.status ?? (health.isError ? 'unreachable' : '…')}</output>
      </p>
      <p>
        <a href="/api/docs">REST API documentation</a>
      </p>
    </main>
  );
}

const root = document.getElementById('root');
if (root) {
  createRoot(root).render(
    <StrictMode>
      <QueryClientProvider client={queryClient}>
        <App />
      </QueryClientProvider>
    </StrictMode>,
  );
}
