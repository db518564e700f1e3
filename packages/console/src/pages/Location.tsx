import { useEffect, useId, useState, type FormEvent, type ReactNode } from 'react';
import { ApiError, call, describeError } from '../api';
import { navigate, useLocation } from '../router';

type Position = [number, number];

interface Geofence {
  tag: string;
  externalId: string;
  description: string | null;
  type: 'circle' | 'polygon';
  /** circle: [lon, lat]; polygon: rings of [lon, lat]. */
  coordinates: Position | Position[][];
  radius?: number;
}

interface Track {
  properties: { points: number; truncated: boolean };
  features: Array<{ geometry: { type: string; coordinates: unknown }; properties: Record<string, unknown> }>;
}

interface GeofenceEvent {
  id: string;
  type: string;
  userId: string;
  geofence: { tag: string; externalId: string; description?: string };
  location: { lat: number; lon: number };
  occurredAt: string;
}

interface Data {
  geofences: Geofence[];
  geofencesMore: boolean;
  track: Array<{ lon: number; lat: number; at: string }> | null;
  events: GeofenceEvent[];
}

const M_PER_DEG = 111_320;
const W = 1000;
const H = 620;
const PAD = 30;

/**
 * Geofences and a user's track on a plain SVG map (an equirectangular projection around the
 * data, no tiles), with the user's geofence events beside it and the geofences as a table.
 */
export function LocationPage(): ReactNode {
  const { search } = useLocation();
  const userId = new URLSearchParams(search).get('userId') ?? '';
  const [draft, setDraft] = useState(userId);
  const [data, setData] = useState<Data | null>(null);
  const [error, setError] = useState<string | null>(null);
  const h = useId();

  useEffect(() => {
    let stale = false;
    setData(null);
    setError(null);
    setDraft(userId);
    (async (): Promise<Data> => {
      const fences = await call<{ geofences: Geofence[]; nextCursor: string | null }>('GET', '/geofences', { query: { limit: 1000 } });
      let track: Data['track'] = null;
      let events: GeofenceEvent[] = [];
      if (userId) {
        try {
          const t = await call<Track>('GET', `/location/users/${encodeURIComponent(userId)}/track`, { query: { limit: 5000 } });
          track = t.features
            .filter((f) => f.geometry.type === 'Point')
            .map((f) => {
              const [lon, lat] = f.geometry.coordinates as Position;
              return { lon, lat, at: String(f.properties.recordedAt ?? '') };
            });
        } catch (err) {
          if (!(err instanceof ApiError && err.status === 404)) throw err;
          track = [];
        }
        events = (await call<{ events: GeofenceEvent[] }>('GET', '/location/geofence-events', { query: { userId, limit: 200 } })).events;
      }
      return { geofences: fences.geofences, geofencesMore: fences.nextCursor !== null, track, events };
    })().then(
      (d) => !stale && setData(d),
      (err: unknown) => !stale && setError(describeError(err)),
    );
    return () => {
      stale = true;
    };
  }, [userId]);

  const submit = (e: FormEvent): void => {
    e.preventDefault();
    const v = draft.trim();
    navigate(`/location${v ? `?userId=${encodeURIComponent(v)}` : ''}`);
  };

  return (
    <section aria-labelledby={h}>
      <h1 id={h}>Location</h1>
      <form className="open-by-id" onSubmit={submit}>
        <label htmlFor={`${h}-user`}>user id</label>
        <input id={`${h}-user`} name="userId" value={draft} onChange={(e) => setDraft(e.target.value)} />
        <button type="submit">Show track</button>
      </form>
      <div aria-live="polite" className="status">
        {error ? (
          <p role="alert" className="error">
            {error}
          </p>
        ) : data === null ? (
          <p>Loading geofences{userId ? ` and the track of ${userId}` : ''}…</p>
        ) : (
          <p>
            {data.geofences.length} geofence{data.geofences.length === 1 ? '' : 's'}
            {data.geofencesMore ? ' (the first 1000)' : ''}
            {data.track ? `; ${data.track.length} track point${data.track.length === 1 ? '' : 's'} of ${userId}` : ''}
            {userId ? `; ${data.events.length} geofence event${data.events.length === 1 ? '' : 's'}` : ''}.
          </p>
        )}
      </div>
      {data ? (
        <div className="location">
          <MapView data={data} userId={userId} />
          <div className="location-side">
            {userId ? <GeofenceEvents events={data.events} /> : null}
            <GeofenceTable geofences={data.geofences} />
          </div>
        </div>
      ) : null}
    </section>
  );
}

function ringsOf(g: Geofence): Position[][] {
  return g.type === 'polygon' ? (g.coordinates as Position[][]) : [];
}

function MapView({ data, userId }: { data: Data; userId: string }): ReactNode {
  const t = useId();
  const track = data.track ?? [];
  // The extent of everything drawn, circles by their radius.
  const lons: number[] = [];
  const lats: number[] = [];
  for (const g of data.geofences) {
    if (g.type === 'circle') {
      const [lon, lat] = g.coordinates as Position;
      const dLat = (g.radius ?? 0) / M_PER_DEG;
      const dLon = dLat / Math.max(0.01, Math.cos((lat * Math.PI) / 180));
      lons.push(lon - dLon, lon + dLon);
      lats.push(lat - dLat, lat + dLat);
    } else {
      for (const ring of ringsOf(g)) {
        for (const [lon, lat] of ring) {
          lons.push(lon);
          lats.push(lat);
        }
      }
    }
  }
  for (const p of track) {
    lons.push(p.lon);
    lats.push(p.lat);
  }
  const label = `Map of ${data.geofences.length} geofence${data.geofences.length === 1 ? '' : 's'}${userId ? ` and ${track.length} track point${track.length === 1 ? '' : 's'} of ${userId}` : ''}`;
  if (lons.length === 0)
    return (
      <p className="empty map-empty" role="img" aria-label={label}>
        Nothing to draw: no geofences{userId ? ' and no track' : ''}.
      </p>
    );
  const minLon = Math.min(...lons);
  const maxLon = Math.max(...lons);
  const minLat = Math.min(...lats);
  const maxLat = Math.max(...lats);
  const k = Math.cos((((minLat + maxLat) / 2) * Math.PI) / 180);
  const spanX = Math.max((maxLon - minLon) * k, 1e-6);
  const spanY = Math.max(maxLat - minLat, 1e-6);
  const scale = Math.min((W - 2 * PAD) / spanX, (H - 2 * PAD) / spanY);
  const x = (lon: number): number => PAD + (lon - minLon) * k * scale + (W - 2 * PAD - spanX * scale) / 2;
  const y = (lat: number): number => PAD + (maxLat - lat) * scale + (H - 2 * PAD - spanY * scale) / 2;
  const meters = (m: number): number => (m / M_PER_DEG) * scale;
  const last = track[track.length - 1];
  return (
    <svg className="map" viewBox={`0 0 ${W} ${H}`} role="img" aria-labelledby={`${t}-title`}>
      <title id={`${t}-title`}>{label}</title>
      <rect x="0" y="0" width={W} height={H} className="map-bg" />
      {data.geofences.map((g) => (
        <g key={`${g.tag}/${g.externalId}`} className="fence">
          <title>{`${g.tag}/${g.externalId}${g.description ? `: ${g.description}` : ''}`}</title>
          {g.type === 'circle' ? (
            <circle cx={x((g.coordinates as Position)[0])} cy={y((g.coordinates as Position)[1])} r={Math.max(2, meters(g.radius ?? 0))} />
          ) : (
            <path
              fillRule="evenodd"
              d={ringsOf(g)
                .map((ring) => `M${ring.map(([lon, lat]) => `${x(lon).toFixed(1)},${y(lat).toFixed(1)}`).join('L')}Z`)
                .join(' ')}
            />
          )}
        </g>
      ))}
      {track.length > 1 ? <polyline className="track" points={track.map((p) => `${x(p.lon).toFixed(1)},${y(p.lat).toFixed(1)}`).join(' ')} /> : null}
      {track.map((p, i) => (
        <circle key={i} className="point" cx={x(p.lon)} cy={y(p.lat)} r={4}>
          <title>{`${p.at} (${p.lat}, ${p.lon})`}</title>
        </circle>
      ))}
      {last ? <circle className="point-last" cx={x(last.lon)} cy={y(last.lat)} r={8} /> : null}
    </svg>
  );
}

function GeofenceEvents({ events }: { events: GeofenceEvent[] }): ReactNode {
  if (events.length === 0) return <p className="empty">No geofence events for this user.</p>;
  return (
    <table>
      <caption>Geofence events of this user</caption>
      <thead>
        <tr>
          <th scope="col">occurred at</th>
          <th scope="col">event</th>
          <th scope="col">geofence</th>
        </tr>
      </thead>
      <tbody>
        {events.map((e) => (
          <tr key={e.id}>
            <td>{e.occurredAt}</td>
            <td>{e.type}</td>
            <td>
              {e.geofence.tag}/{e.geofence.externalId}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function GeofenceTable({ geofences }: { geofences: Geofence[] }): ReactNode {
  if (geofences.length === 0) return <p className="empty">No geofences.</p>;
  return (
    <table>
      <caption>Geofences</caption>
      <thead>
        <tr>
          <th scope="col">geofence</th>
          <th scope="col">shape</th>
          <th scope="col">description</th>
        </tr>
      </thead>
      <tbody>
        {geofences.map((g) => (
          <tr key={`${g.tag}/${g.externalId}`}>
            <td>
              {g.tag}/{g.externalId}
            </td>
            <td>
              {g.type === 'circle'
                ? `circle ${g.radius ?? 0} m around ${(g.coordinates as Position)[1]}, ${(g.coordinates as Position)[0]}`
                : `polygon of ${ringsOf(g)[0]?.length ?? 0} points`}
            </td>
            <td>{g.description ?? ''}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
