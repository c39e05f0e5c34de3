import { mocksReady } from "./harness/mocks";
import { evaluateStack } from "./harness/stack";
import { expect } from "chai";

describe("whole stacks through index.ts", () => {
    before(() => mocksReady);

    for (const stack of ["dev", "prod"]) {
        it(`${stack} evaluates with its real Pulumi.${stack}.yaml`, async () => {
            const { outputs } = await evaluateStack(stack);
            expect(outputs.environmentName).to.equal(stack);
            expect(outputs.region).to.equal("us-east-1");
        });
    }
});
