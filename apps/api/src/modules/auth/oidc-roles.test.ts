import { describe, expect, it } from 'vitest';

import { parseRoleMap } from '../../platform/oidc-config.ts';
import { claimAt, groupsOf, mappedRole } from './oidc-roles.ts';

describe('parseRoleMap', () => {
  it('reads group=role entries, trimming spaces; a group may contain "="', () => {
    const map = parseRoleMap(' egress-admins = admin, /eng/devs=engineer ,a=b=viewer,');
    expect([...map]).toEqual([
      ['egress-admins', 'admin'],
      ['/eng/devs', 'engineer'],
      ['a=b', 'viewer'],
    ]);
  });

  it.each([
    ['', 'must list at least one group=role entry'],
    ['admins', 'entry "admins" must be group=role'],
    ['=admin', 'entry "=admin" must be group=role'],
    [
      'ops=superuser',
      'entry "ops=superuser": unknown role "superuser" (expected one of viewer, engineer, approver, admin)',
    ],
    ['ops=viewer,ops=admin', 'group "ops" is mapped twice (viewer and admin)'],
  ])('refuses %j', (text, message) => {
    expect(() => parseRoleMap(text)).toThrow(message);
  });
});

describe('mappedRole', () => {
  const map = parseRoleMap('egress-admins=admin,security=approver,developers=engineer,staff=viewer');

  it('gives the highest role any group maps to, whatever the order', () => {
    expect(mappedRole(['staff', 'egress-admins', 'developers'], map)).toBe('admin');
    expect(mappedRole(['developers', 'staff'], map)).toBe('engineer');
  });

  it('gives null when no group is mapped; names match exactly', () => {
    expect(mappedRole(['marketing', 'Developers', ' staff'], map)).toBeNull();
    expect(mappedRole([], map)).toBeNull();
  });
});

describe('claimAt and groupsOf', () => {
  it('prefers a top-level claim whose name has dots, else follows the dotted path', () => {
    expect(claimAt({ 'https://example.com/groups': ['a'] }, 'https://example.com/groups')).toEqual(['a']);
    expect(claimAt({ realm_access: { roles: ['ops'] } }, 'realm_access.roles')).toEqual(['ops']);
    expect(claimAt({ realm_access: null }, 'realm_access.roles')).toBeUndefined();
  });

  it('reads a string list or a single string, ignoring anything else', () => {
    expect(groupsOf(['a', 3, 'b', null])).toEqual(['a', 'b']);
    expect(groupsOf('ops')).toEqual(['ops']);
    expect(groupsOf({ ops: true })).toEqual([]);
    expect(groupsOf(undefined)).toEqual([]);
  });
});
