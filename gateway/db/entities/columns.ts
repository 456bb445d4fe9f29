/**
 * Column builders shared by the entity schemas, so every entity spells the
 * portable types the same way: explicit varchar lengths, bigint as numbers,
 * binary and long text chosen per dialect.
 */
import type { EntitySchemaColumnOptions } from 'typeorm';
import { bigintTransformer } from '../bigint-transformer';
import { binaryColumnType, longTextColumnType } from '../column-types';
import type { Dialect } from '../dialect';

interface ColumnFlags {
  nullable?: boolean;
  primary?: boolean;
}

/** varchar(length) with an explicit length (SQL Server would default to 1 or 255). */
export function varcharColumn(name: string, length: number, flags: ColumnFlags = {}): EntitySchemaColumnOptions {
  return { name, type: 'varchar', length, nullable: flags.nullable ?? false, primary: flags.primary ?? false };
}

/** 32-bit integer. */
export function intColumn(name: string, flags: ColumnFlags & { default?: number } = {}): EntitySchemaColumnOptions {
  const column: EntitySchemaColumnOptions = { name, type: 'int', nullable: flags.nullable ?? false, primary: flags.primary ?? false };
  if (flags.default !== undefined) column.default = flags.default;
  return column;
}

/** bigint read back as a JS number (epoch ms, sequence numbers). */
export function bigintColumn(name: string, flags: ColumnFlags = {}): EntitySchemaColumnOptions {
  return {
    name,
    type: 'bigint',
    nullable: flags.nullable ?? false,
    primary: flags.primary ?? false,
    transformer: bigintTransformer,
  };
}

/** Unbounded binary, typed per dialect. */
export function binaryColumn(dialect: Dialect, name: string): EntitySchemaColumnOptions {
  return { name, ...binaryColumnType(dialect), nullable: false };
}

/**
 * The four columns of an envelope-sealed value (SealedRecord: key id, wrapped
 * data key, IV, ciphertext with its tag), optional together or not at all.
 */
export function sealedColumns(dialect: Dialect, flags: { nullable?: boolean } = {}): Record<'keyId' | 'wrappedKey' | 'iv' | 'ciphertext', EntitySchemaColumnOptions> {
  const nullable = flags.nullable ?? false;
  return {
    keyId: varcharColumn('key_id', 64, { nullable }),
    wrappedKey: { ...binaryColumn(dialect, 'wrapped_key'), nullable },
    iv: { ...binaryColumn(dialect, 'iv'), nullable },
    ciphertext: { ...binaryColumn(dialect, 'ciphertext'), nullable },
  };
}

/** Unbounded Unicode text, typed per dialect. */
export function longTextColumn(dialect: Dialect, name: string): EntitySchemaColumnOptions {
  return { name, ...longTextColumnType(dialect), nullable: false };
}
