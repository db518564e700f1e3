import type { PortalTokenRecord, PortalTokenRepository } from '@hookstream/hubspot';

/** PortalTokenRepository in memory, for tests that do not need the database. */
export function createMemoryTokenRepository(): PortalTokenRepository & { rows: Map<number, PortalTokenRecord> } {
  const rows = new Map<number, PortalTokenRecord>();
  return {
    rows,
    get: async (portalId) => {
      const r = rows.get(portalId);
      return r ? structuredClone(r) : undefined;
    },
    upsert: async (record) => void rows.set(record.portalId, structuredClone(record)),
    async saveRefreshed(portalId, t) {
      const r = rows.get(portalId);
      if (!r || r.status !== 'active') return;
      rows.set(portalId, { ...r, ...t });
    },
    async markInvalid(portalId, reason, at) {
      const r = rows.get(portalId);
      if (r) rows.set(portalId, { ...r, status: 'invalid', statusReason: reason, updatedAt: at });
    },
    list: async () => [...rows.values()].map((r) => structuredClone(r)),
  };
}
