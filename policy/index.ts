// CrossGuard policy pack entry: the Pulumi CLI runs this file
// (`pulumi preview --policy-pack policy`); constructing the pack serves it.
import { PolicyPack } from "@pulumi/policy";
import { PACK_NAME, packArgs } from "./policies";

new PolicyPack(PACK_NAME, packArgs);
