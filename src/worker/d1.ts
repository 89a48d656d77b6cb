import { Kysely, type QueryResult } from "kysely";
import { D1Dialect } from "kysely-d1";
import { declareParameterLimit } from "../core/db/limits.ts";
import type { Database, Db } from "../core/db/schema.ts";

/**
 * Kysely over D1. kysely-d1 0.4 still fills the result field Kysely 0.28 renamed, and
 * Kysely then logs an "outdated driver" warning in every new isolate; the results are
 * right either way, so the old field is dropped here to keep the logs meaningful.
 * D1 has no interactive transactions: `db.transaction()` throws, as it should.
 */
export function createD1Kysely(database: D1Database): Db {
	const dialect = new D1Dialect({ database });
	const createDriver = dialect.createDriver.bind(dialect);
	dialect.createDriver = () => {
		const driver = createDriver();
		const acquire = driver.acquireConnection.bind(driver);
		driver.acquireConnection = async () => {
			const connection = await acquire();
			return {
				async executeQuery<R>(query: Parameters<typeof connection.executeQuery>[0]): Promise<QueryResult<R>> {
					const { numUpdatedOrDeletedRows: _, ...result } = (await connection.executeQuery<R>(
						query,
					)) as QueryResult<R> & {
						numUpdatedOrDeletedRows?: bigint;
					};
					return result;
				},
				streamQuery: connection.streamQuery.bind(connection),
			};
		};
		return driver;
	};
	const db = new Kysely<Database>({ dialect });
	// D1 binds at most 100 values per statement; multi-row writes size their chunks to it.
	declareParameterLimit(db, 100);
	return db;
}
