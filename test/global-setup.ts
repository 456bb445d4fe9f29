/** Jest global setup: replaced by the database harness (migrated templates per back end). */
export default async function globalSetup(): Promise<void> {}
