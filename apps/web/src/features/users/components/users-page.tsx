import { can, type User } from '@egress/shared';
import { useQuery } from '@tanstack/react-query';
import { getRouteApi } from '@tanstack/react-router';
import { useState } from 'react';

import { Badge } from '../../../components/ui/badge.tsx';
import { DataTable } from '../../../components/ui/data-table.tsx';
import { Dialog } from '../../../components/ui/dialog.tsx';
import { PagedList } from '../../../components/ui/paged-list.tsx';
import { RelativeTime } from '../../../components/ui/time.tsx';
import { showToast } from '../../../components/ui/toast.tsx';
import { listNavigation } from '../../../lib/pagination.ts';
import { useMe } from '../../auth/api/auth.queries.ts';
import { useUpdateUser } from '../api/users.mutations.ts';
import { userListQuery } from '../api/users.queries.ts';
import { CreateUserForm } from '../forms/create-user-form.tsx';
import { EditUserForm } from '../forms/edit-user-form.tsx';

const route = getRouteApi('/_app/users');

export function UsersPage() {
  const me = useMe();
  const search = route.useSearch();
  const navigate = route.useNavigate();
  const { page } = listNavigation<typeof search>(navigate);
  const [creating, setCreating] = useState(false);
  const [editing, setEditing] = useState<User | null>(null);
  const query = useQuery({ ...userListQuery(search.cursor), enabled: can(me.role, 'users.read') });
  const update = useUpdateUser();

  if (!can(me.role, 'users.read'))
    return (
      <div className="page">
        <h1>Users</h1>
        <p className="callout">Managing users needs the admin role.</p>
      </div>
    );
  return (
    <div className="page">
      <header className="page-header">
        <div>
          <h1>Users</h1>
          <p className="muted">People who can sign in, and what their role lets them do.</p>
        </div>
        <button type="button" className="btn btn-primary" onClick={() => setCreating(true)}>
          Create user
        </button>
      </header>
      <PagedList query={query} what="users" search={search} onPage={page}>
        {(items) => (
          <DataTable
            caption="Users"
            head={
              <>
                <th scope="col">Email</th>
                <th scope="col">Name</th>
                <th scope="col">Role</th>
                <th scope="col">Status</th>
                <th scope="col">Created</th>
                <th scope="col">Actions</th>
              </>
            }
            columns={6}
            items={items}
            empty={{ title: 'No users.' }}
            row={(u) => (
              <tr key={u.id}>
                <td>{u.email}</td>
                <td>{u.name}</td>
                <td>{u.role}</td>
                <td>
                  {u.disabled ? <Badge tone="grey">disabled</Badge> : <Badge tone="green">active</Badge>}
                </td>
                <td>
                  <RelativeTime iso={u.createdAt} />
                </td>
                <td>
                  {u.id === me.id ? (
                    <span className="muted small">you</span>
                  ) : (
                    <span className="row-actions">
                      <button
                        type="button"
                        className="btn btn-small"
                        aria-label={`Edit role of ${u.email}`}
                        onClick={() => setEditing(u)}
                      >
                        Edit role
                      </button>
                      <button
                        type="button"
                        className="btn btn-small"
                        disabled={update.isPending}
                        aria-label={`${u.disabled ? 'Enable' : 'Disable'} ${u.email}`}
                        onClick={() =>
                          update.mutate(
                            { id: u.id, body: { disabled: !u.disabled } },
                            {
                              onSuccess: (x) =>
                                showToast({
                                  kind: 'success',
                                  title: `${x.email} ${x.disabled ? 'disabled' : 'enabled'}`,
                                }),
                            },
                          )
                        }
                      >
                        {u.disabled ? 'Enable' : 'Disable'}
                      </button>
                    </span>
                  )}
                </td>
              </tr>
            )}
          />
        )}
      </PagedList>
      <Dialog
        open={editing !== null}
        onClose={() => setEditing(null)}
        title={editing ? `Change the role of ${editing.email}` : 'Change a role'}
      >
        {editing ? (
          <EditUserForm
            key={editing.id}
            user={editing}
            onCancel={() => setEditing(null)}
            onDone={(u) => {
              setEditing(null);
              showToast({ kind: 'success', title: `${u.email} is now ${u.role}` });
            }}
          />
        ) : null}
      </Dialog>
      <Dialog open={creating} onClose={() => setCreating(false)} title="Create a user">
        <CreateUserForm
          onCancel={() => setCreating(false)}
          onDone={(u) => {
            setCreating(false);
            showToast({ kind: 'success', title: `User ${u.email} created`, message: `Role: ${u.role}` });
          }}
        />
      </Dialog>
    </div>
  );
}
