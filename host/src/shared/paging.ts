import type { Knex } from 'knex';

/** One page of rows plus the total, from a query builder factory (called twice: rows and count). */
export async function listPage<Row>(
  scoped: () => Knex.QueryBuilder,
  order: Array<string | { column: string; order: 'asc' | 'desc' }>,
  limit: number,
  offset: number,
): Promise<{ rows: Row[]; total: number }> {
  const [rows, count] = await Promise.all([
    scoped().orderBy(order).limit(limit).offset(offset) as Promise<Row[]>,
    scoped().count<Array<{ count: string | number }>>({ count: '*' }),
  ]);
  return { rows, total: Number(count[0]?.count ?? 0) };
}

export interface PageQuery {
  limit?: number;
  offset?: number;
}

export function page(query: PageQuery): { limit: number; offset: number } {
  return { limit: query.limit ?? 50, offset: query.offset ?? 0 };
}
