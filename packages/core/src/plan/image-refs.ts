// Owns turning image references (an entry's `image:`, a Dockerfile's FROM and COPY --from) into
// image IDs for keys: asked of the engine once per plan, and remembered in the cache, so that a
// build whose engine is down can still be served from the cache, with a warning that the IDs
// were not checked. Leaves talking to the engine to the DockerSupport.
import type { CacheDatabase } from '../cache/database.js';
import type { DockerSupport, ImageResult, ImageTask } from '../executors/docker-support.js';

/** An image result; `unchecked` when the engine could not be asked and the last known ID stands in. */
export type ResolvedImage = ImageResult & { unchecked?: boolean };

export class ImageRefs {
  readonly #docker: DockerSupport | undefined;
  readonly #select;
  readonly #upsert;
  readonly #answers = new Map<string, Promise<ResolvedImage>>();
  /** References whose remembered IDs stood in because the engine was unreachable. */
  readonly unchecked: string[] = [];

  constructor(db: CacheDatabase, docker: DockerSupport | undefined) {
    this.#docker = docker;
    this.#select = db.prepare<[string], { image_id: string; on_build: string }>(
      'SELECT image_id, on_build FROM image_refs WHERE ref = ?',
    );
    this.#upsert = db.prepare<[string, string, string, number]>(
      `INSERT INTO image_refs (ref, image_id, on_build, recorded_at) VALUES (?, ?, ?, ?)
       ON CONFLICT (ref) DO UPDATE SET image_id = excluded.image_id, on_build = excluded.on_build, recorded_at = excluded.recorded_at`,
    );
  }

  /** The ID of `ref`, asked of the engine once per plan (which pulls a missing image). */
  resolve(ref: string, task: ImageTask): Promise<ResolvedImage> {
    let answer = this.#answers.get(ref);
    if (!answer) {
      answer = this.#ask(ref, task);
      this.#answers.set(ref, answer);
    }
    return answer;
  }

  async #ask(ref: string, task: ImageTask): Promise<ResolvedImage> {
    if (!this.#docker) {
      return {
        ok: false,
        failure: { reason: 'executor-unavailable', executor: 'docker', users: [] },
      };
    }
    const result = await this.#docker.resolveImage(ref, task);
    const known = this.#select.get(ref);
    if (result.ok) {
      // Written only when the answer changed: a no-op build writes nothing here.
      const onBuild = JSON.stringify(result.onBuild ?? []);
      if (known?.image_id !== result.imageId || known.on_build !== onBuild)
        this.#upsert.run(ref, result.imageId, onBuild, Date.now());
      return result;
    }
    // Only an unreachable engine falls back: a missing image is a real answer, and must rebuild.
    if (result.failure.reason !== 'docker-unreachable') return result;
    if (!known) return result;
    this.unchecked.push(ref);
    return { ok: true, imageId: known.image_id, onBuild: JSON.parse(known.on_build) as string[], unchecked: true };
  }
}

/** The warning a build gives once when remembered image IDs stood in for the engine's answers. */
export function uncheckedWarning(refs: readonly string[]): string {
  return (
    `the Docker engine is not reachable, so the images ${refs.join(', ')} could not be checked: ` +
    'their IDs from the last build that reached it were used. Cached results are used as they are; ' +
    'anything that must run in Docker fails until the engine is back'
  );
}

/** True when an image's ONBUILD triggers read the build context (COPY or ADD not --from a stage). */
export function onBuildReadsContext(triggers: readonly string[]): boolean {
  return triggers.some((t) => /^\s*(COPY|ADD)\s/i.test(t) && !/\s--from[= ]/i.test(t));
}
