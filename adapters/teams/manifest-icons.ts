import { PNG } from "pngjs";

/**
 * The Teams app's two icons, drawn by code so they can be made again at any time (no binary in
 * the repository to keep in step with a drawing): a five-pointed star, weeknotes' ⭐ tag.
 *
 * Microsoft's rules (learn.microsoft.com/microsoftteams/platform/concepts/design/design-teams-app-icon-store-appbar,
 * and the manifest schema's `icons`):
 * - colour icon: 192×192 PNG, full bleed (the whole square is the background, Teams masks the
 *   corners itself), the symbol inside the central 120×120 safe area;
 * - outline icon: 32×32 PNG, white on a transparent background.
 *
 * Drawing is pure arithmetic on the star's ten corners with 8×8 samples a pixel for smooth edges,
 * so the same code gives the same pixels on every machine.
 */

/** The colour icon's background, also the manifest's `accentColor` (`#RRGGBB`). */
export const ICON_BACKGROUND = "#1F5F8B";
/** The colour icon's star. */
export const ICON_STAR = "#FFC83D";

export const COLOR_ICON_SIZE = 192;
export const OUTLINE_ICON_SIZE = 32;
/** Side of the colour icon's central safe area the star stays inside, px. */
export const COLOR_ICON_SAFE_AREA = 120;

/** Samples per pixel side for anti-aliasing (8×8 = 64 levels of coverage). */
const SUPERSAMPLE = 8;
/** Inner to outer radius of a regular five-pointed star (the pentagram's ratio). */
const INNER_RATIO = 0.381966;

interface Point {
  readonly x: number;
  readonly y: number;
}

interface Box {
  readonly left: number;
  readonly right: number;
  readonly top: number;
  readonly bottom: number;
}

/**
 * The ten corners of an upright five-pointed star whose outer points are `radius` from (cx, cy);
 * first point straight up (y grows downwards, as in images).
 */
export function starCorners(cx: number, cy: number, radius: number): Point[] {
  const corners: Point[] = [];
  for (let i = 0; i < 10; i++) {
    const r = i % 2 === 0 ? radius : radius * INNER_RATIO;
    const angle = -Math.PI / 2 + (i * Math.PI) / 5;
    corners.push({ x: cx + r * Math.cos(angle), y: cy + r * Math.sin(angle) });
  }
  return corners;
}

/** Even-odd point-in-polygon test. */
function inside(polygon: readonly Point[], x: number, y: number): boolean {
  let result = false;
  for (let i = 0, j = polygon.length - 1; i < polygon.length; j = i++) {
    const a = polygon[i] as Point;
    const b = polygon[j] as Point;
    if (a.y > y !== b.y > y && x < ((b.x - a.x) * (y - a.y)) / (b.y - a.y) + a.x) {
      result = !result;
    }
  }
  return result;
}

/** Distance from (x, y) to the nearest edge of the polygon. */
function distanceToEdge(polygon: readonly Point[], x: number, y: number): number {
  let best = Number.POSITIVE_INFINITY;
  for (let i = 0, j = polygon.length - 1; i < polygon.length; j = i++) {
    const a = polygon[j] as Point;
    const b = polygon[i] as Point;
    const dx = b.x - a.x;
    const dy = b.y - a.y;
    const t = Math.max(0, Math.min(1, ((x - a.x) * dx + (y - a.y) * dy) / (dx * dx + dy * dy)));
    best = Math.min(best, Math.hypot(x - (a.x + t * dx), y - (a.y + t * dy)));
  }
  return best;
}

/** The smallest box around a polygon. */
function boxOf(polygon: readonly Point[]): Box {
  const xs = polygon.map((p) => p.x);
  const ys = polygon.map((p) => p.y);
  return { left: Math.min(...xs), right: Math.max(...xs), top: Math.min(...ys), bottom: Math.max(...ys) };
}

/** The share (0…1) of a pixel's samples for which `ink` holds; 0 for a pixel off `box`. */
function coverage(box: Box, px: number, py: number, ink: (x: number, y: number) => boolean): number {
  if (px + 1 < box.left || px > box.right || py + 1 < box.top || py > box.bottom) {
    return 0;
  }
  let hits = 0;
  for (let sy = 0; sy < SUPERSAMPLE; sy++) {
    for (let sx = 0; sx < SUPERSAMPLE; sx++) {
      if (ink(px + (sx + 0.5) / SUPERSAMPLE, py + (sy + 0.5) / SUPERSAMPLE)) {
        hits++;
      }
    }
  }
  return hits / (SUPERSAMPLE * SUPERSAMPLE);
}

function rgb(hex: string): [number, number, number] {
  const value = Number.parseInt(hex.slice(1), 16);
  return [(value >> 16) & 0xff, (value >> 8) & 0xff, value & 0xff];
}

/**
 * The star's centre and outer radius so that it fills `box` px and its bounding box (not its
 * centre) sits in the middle of a `size` px square: a star is taller above its centre than below.
 */
function layout(size: number, box: number): { cx: number; cy: number; radius: number } {
  // Width 2·sin 72°·R ≈ 1.902 R; height (1 + cos 36°)·R ≈ 1.809 R: the width decides.
  const radius = box / (2 * Math.sin((2 * Math.PI) / 5));
  const below = radius * Math.cos(Math.PI / 5);
  return { cx: size / 2, cy: size / 2 + (radius - below) / 2, radius };
}

/**
 * The 192×192 colour icon: a gold star on an opaque blue square, the star inside the 120×120 safe
 * area. An RGB PNG (no alpha channel: full bleed).
 */
export function drawColorIcon(): Buffer {
  const size = COLOR_ICON_SIZE;
  const { cx, cy, radius } = layout(size, COLOR_ICON_SAFE_AREA - 8);
  const star = starCorners(cx, cy, radius);
  const box = boxOf(star);
  const background = rgb(ICON_BACKGROUND);
  const fill = rgb(ICON_STAR);
  const png = new PNG({ width: size, height: size });
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      const share = coverage(box, x, y, (sx, sy) => inside(star, sx, sy));
      const at = (y * size + x) * 4;
      for (let c = 0; c < 3; c++) {
        png.data[at + c] = Math.round((background[c] as number) * (1 - share) + (fill[c] as number) * share);
      }
      png.data[at + 3] = 255;
    }
  }
  return PNG.sync.write(png, { colorType: 2 });
}

/**
 * The 32×32 outline icon: the outline of the same star, 2 px wide, in white on transparent. Every
 * pixel is white (255, 255, 255); only its alpha varies, with the stroke's coverage.
 */
export function drawOutlineIcon(): Buffer {
  const size = OUTLINE_ICON_SIZE;
  const stroke = 2;
  const { cx, cy, radius } = layout(size, size - 2);
  const star = starCorners(cx, cy, radius);
  const box = boxOf(star);
  const png = new PNG({ width: size, height: size });
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      const share = coverage(
        box,
        x,
        y,
        (sx, sy) => inside(star, sx, sy) && distanceToEdge(star, sx, sy) <= stroke,
      );
      const at = (y * size + x) * 4;
      png.data[at] = 255;
      png.data[at + 1] = 255;
      png.data[at + 2] = 255;
      png.data[at + 3] = Math.round(255 * share);
    }
  }
  return PNG.sync.write(png, { colorType: 6 });
}
