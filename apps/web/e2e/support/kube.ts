// The test cluster as its admin, for specs run by playwright.cluster.config.ts: the e2e server writes
// the control plane's address and admin certificate to E2E_CLUSTER_FILE. Plain HTTPS, so specs can
// do what kubectl or a controller would (edit objects with another field manager, set a status).
import { readFileSync } from 'node:fs';
import { request as httpsRequest } from 'node:https';

interface ClusterInfo {
  server: string;
  caPem: string;
  clientCertPem: string;
  clientKeyPem: string;
}

export interface KubeResponse<T = unknown> {
  status: number;
  body: T;
}

export interface KubeRequest {
  method: 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE';
  path: string;
  query?: Record<string, string>;
  body?: unknown;
  contentType?: string;
}

export interface Kube {
  request<T = Record<string, unknown>>(req: KubeRequest): Promise<KubeResponse<T>>;
}

function clusterInfo(): ClusterInfo {
  const file = process.env.E2E_CLUSTER_FILE;
  if (!file)
    throw new Error('E2E_CLUSTER_FILE is not set: run these specs with playwright.cluster.config.ts');
  return JSON.parse(readFileSync(file, 'utf8')) as ClusterInfo;
}

export function kubeAdmin(): Kube {
  const info = clusterInfo();
  return {
    request<T>({ method, path, query, body, contentType }: KubeRequest): Promise<KubeResponse<T>> {
      const url = new URL(path, info.server);
      for (const [k, v] of Object.entries(query ?? {})) url.searchParams.set(k, v);
      const payload = body === undefined ? undefined : JSON.stringify(body);
      return new Promise((resolve, reject) => {
        const req = httpsRequest(
          url,
          {
            method,
            ca: info.caPem,
            cert: info.clientCertPem,
            key: info.clientKeyPem,
            headers: {
              accept: 'application/json',
              ...(payload === undefined
                ? {}
                : {
                    'content-type': contentType ?? 'application/json',
                    'content-length': Buffer.byteLength(payload),
                  }),
            },
          },
          (res) => {
            const chunks: Buffer[] = [];
            res.on('data', (c: Buffer) => chunks.push(c));
            res.on('end', () => {
              const text = Buffer.concat(chunks).toString('utf8');
              resolve({ status: res.statusCode ?? 0, body: (text ? JSON.parse(text) : null) as T });
            });
          },
        );
        req.on('error', reject);
        req.end(payload);
      });
    },
  };
}

/** Plays the deployment controller (the harness runs none): reports `replicas` ready pods. */
export async function markDeploymentReady(kube: Kube, namespace: string, name: string, replicas: number) {
  const res = await kube.request({
    method: 'PATCH',
    path: `/apis/apps/v1/namespaces/${namespace}/deployments/${name}/status`,
    body: {
      status: {
        replicas,
        readyReplicas: replicas,
        availableReplicas: replicas,
        updatedReplicas: replicas,
        observedGeneration: 1,
      },
    },
    contentType: 'application/merge-patch+json',
  });
  if (res.status !== 200)
    throw new Error(`marking ${name} ready answered ${res.status}: ${JSON.stringify(res.body)}`);
}
