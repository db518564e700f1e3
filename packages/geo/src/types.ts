/** [longitude, latitude] in degrees: GeoJSON order, as Radar sends it. */
export type Position = readonly [lon: number, lat: number];
/** A closed ring: the first position equals the last. */
export type Ring = readonly Position[];

export interface CircleShape {
  readonly type: 'circle';
  readonly coordinates: Position;
  /** Meters. */
  readonly radius: number;
}

export interface PolygonShape {
  readonly type: 'polygon';
  /** The outer ring, then its holes. */
  readonly coordinates: readonly Ring[];
}

export type GeofenceShape = CircleShape | PolygonShape;
