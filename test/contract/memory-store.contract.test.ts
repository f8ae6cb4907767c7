import { createMemoryStore } from "../../adapters/memory/memory-store.ts";
import { describeStoreContract } from "./store.contract.ts";

describeStoreContract("in memory", async () => createMemoryStore());
