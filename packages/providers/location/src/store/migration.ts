import type { MigrationInterface, QueryRunner } from 'typeorm';

const TABLE = 'ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin';

/**
 * The location provider's tables, all written in the transaction that inserts the ledger rows
 * (so a batch redone after a crash changes nothing twice). Times are epoch ms. utf8mb4_bin: ids
 * compare exactly.
 *
 * - location_users: each user's newest accepted location (the presence timeline's head).
 * - location_points: every position, keyed by its ledger id; the track reads by (user, time).
 * - location_trips / location_trip_transitions: a trip's status and when it reached each.
 * - geofences: live ones have live_key 0 (unique per tag + externalId); a deleted one keeps
 *   its row with live_key = its id, so the same tag and externalId can be created again as a
 *   new geofence. `seq` orders changes by commit (see geofence_seq), which is how processors
 *   follow them.
 * - geofence_presence: per (user, geofence) whether the user is inside and since when.
 * - geofence_events: the derived entries, exits and dwells; published_at is the outbox mark
 *   of the Kafka stream.
 */
export class Location1796212800000 implements MigrationInterface {
  readonly name = 'Location1796212800000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE location_users (
        source VARCHAR(64) NOT NULL,
        user_id VARCHAR(128) NOT NULL,
        device_id VARCHAR(128) NULL,
        live TINYINT(1) NULL,
        lat DOUBLE NULL,
        lon DOUBLE NULL,
        accuracy DOUBLE NULL,
        recorded_at BIGINT NULL,
        location_event_id BIGINT UNSIGNED NULL,
        trip_id VARCHAR(128) NULL,
        first_seen_at BIGINT NOT NULL,
        updated_at BIGINT NOT NULL,
        PRIMARY KEY (source, user_id),
        KEY ix_location_users_user (user_id, updated_at)
      ) ${TABLE}
    `);
    await q.query(`
      CREATE TABLE location_points (
        event_id BIGINT UNSIGNED NOT NULL,
        source VARCHAR(64) NOT NULL,
        user_id VARCHAR(128) NOT NULL,
        device_id VARCHAR(128) NULL,
        lat DOUBLE NOT NULL,
        lon DOUBLE NOT NULL,
        accuracy DOUBLE NULL,
        recorded_at BIGINT NOT NULL,
        trip_id VARCHAR(128) NULL,
        PRIMARY KEY (event_id),
        KEY ix_location_points_track (user_id, recorded_at, event_id)
      ) ${TABLE}
    `);
    await q.query(`
      CREATE TABLE location_trips (
        source VARCHAR(64) NOT NULL,
        trip_id VARCHAR(128) NOT NULL,
        external_id VARCHAR(128) NULL,
        user_id VARCHAR(128) NOT NULL,
        status VARCHAR(32) NOT NULL,
        status_rank INT NOT NULL,
        metadata JSON NULL,
        started_at BIGINT NULL,
        ended_at BIGINT NULL,
        created_at BIGINT NOT NULL,
        updated_at BIGINT NOT NULL,
        last_event_id BIGINT UNSIGNED NOT NULL,
        PRIMARY KEY (source, trip_id),
        KEY ix_location_trips_id (trip_id),
        KEY ix_location_trips_external (external_id)
      ) ${TABLE}
    `);
    await q.query(`
      CREATE TABLE location_trip_transitions (
        source VARCHAR(64) NOT NULL,
        trip_id VARCHAR(128) NOT NULL,
        status VARCHAR(32) NOT NULL,
        reached_at BIGINT NOT NULL,
        event_id BIGINT UNSIGNED NOT NULL,
        event_type VARCHAR(128) NOT NULL,
        PRIMARY KEY (source, trip_id, status)
      ) ${TABLE}
    `);
    await q.query(`
      CREATE TABLE geofences (
        id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
        tag VARCHAR(128) NOT NULL,
        external_id VARCHAR(128) NOT NULL,
        live_key BIGINT UNSIGNED NOT NULL DEFAULT 0,
        description VARCHAR(1024) NULL,
        shape JSON NOT NULL,
        metadata JSON NULL,
        seq BIGINT UNSIGNED NOT NULL,
        created_at BIGINT NOT NULL,
        updated_at BIGINT NOT NULL,
        deleted_at BIGINT NULL,
        PRIMARY KEY (id),
        UNIQUE KEY ux_geofences_live (tag, external_id, live_key),
        KEY ix_geofences_seq (seq, id)
      ) ${TABLE}
    `);
    await q.query(`CREATE TABLE geofence_seq (id TINYINT UNSIGNED NOT NULL, seq BIGINT UNSIGNED NOT NULL, PRIMARY KEY (id)) ${TABLE}`);
    await q.query('INSERT INTO geofence_seq (id, seq) VALUES (1, 0)');
    await q.query(`
      CREATE TABLE geofence_presence (
        source VARCHAR(64) NOT NULL,
        user_id VARCHAR(128) NOT NULL,
        geofence_id BIGINT UNSIGNED NOT NULL,
        inside TINYINT(1) NOT NULL,
        since BIGINT NOT NULL,
        dwell_emitted TINYINT(1) NOT NULL,
        PRIMARY KEY (source, user_id, geofence_id)
      ) ${TABLE}
    `);
    await q.query(`
      CREATE TABLE geofence_events (
        id BIGINT UNSIGNED NOT NULL,
        source VARCHAR(64) NOT NULL,
        user_id VARCHAR(128) NOT NULL,
        geofence_id BIGINT UNSIGNED NOT NULL,
        tag VARCHAR(128) NOT NULL,
        external_id VARCHAR(128) NOT NULL,
        type VARCHAR(40) NOT NULL,
        lat DOUBLE NOT NULL,
        lon DOUBLE NOT NULL,
        occurred_at BIGINT NOT NULL,
        entered_at BIGINT NOT NULL,
        duration_ms BIGINT NOT NULL,
        location_event_id BIGINT UNSIGNED NOT NULL,
        created_at BIGINT NOT NULL,
        published_at BIGINT NULL,
        PRIMARY KEY (id),
        KEY ix_geofence_events_time (occurred_at, id),
        KEY ix_geofence_events_user (user_id, occurred_at, id),
        KEY ix_geofence_events_geofence (tag, external_id, occurred_at, id),
        KEY ix_geofence_events_unpublished (published_at, created_at)
      ) ${TABLE}
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    for (const t of [
      'geofence_events',
      'geofence_presence',
      'geofence_seq',
      'geofences',
      'location_trip_transitions',
      'location_trips',
      'location_points',
      'location_users',
    ])
      await q.query(`DROP TABLE ${t}`);
  }
}
