import { afterEach, beforeEach, describe } from "vitest";
import type { Store } from "../../src/ports/store.ts";
import { cursorContract } from "./store-cursors.contract.ts";
import { fenceContract } from "./store-fences.contract.ts";
import { highlightContract } from "./store-highlights.contract.ts";
import { inboxContract } from "./store-inbox.contract.ts";
import { installationContract } from "./store-installations.contract.ts";
import { invalidRecordContract } from "./store-invalid.contract.ts";
import { leaseContract } from "./store-leases.contract.ts";
import { retentionContract } from "./store-retention.contract.ts";
import { tagContract } from "./store-tags.contract.ts";
import { teamContract } from "./store-teams.contract.ts";
import { weeknoteContract } from "./store-weeknotes.contract.ts";

export {
  makeConversationReference,
  makeDocument,
  makeHighlight,
  makeInstallation,
  makeRevision,
  makeTeam,
  makeTypedHighlight,
} from "./store-fixtures.ts";

/**
 * The behaviour every {@link Store} must have (SPEC §7). `open` must return a new, empty store each
 * time it is called (a fresh file, database or collection prefix); each test closes the store it
 * opened, and a store must accept being closed twice.
 */
export function describeStoreContract(name: string, open: () => Promise<Store>): void {
  describe(`Store contract: ${name}`, () => {
    let store: Store | undefined;
    const current = (): Store => {
      if (store === undefined) {
        throw new Error("No store is open");
      }
      return store;
    };

    beforeEach(async () => {
      store = await open();
    });

    afterEach(async () => {
      await store?.close();
      store = undefined;
    });

    highlightContract(current);
    tagContract(current);
    weeknoteContract(current);
    fenceContract(current);
    inboxContract(current);
    teamContract(current);
    leaseContract(current);
    installationContract(current);
    invalidRecordContract(current);
    cursorContract(current);
    retentionContract(current);
  });
}
