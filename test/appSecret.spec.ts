import { mocksReady, record } from "./harness/mocks";
import { expect } from "chai";
import { AppSecret } from "../stacks/appSecret";

describe("application secret", () => {
    before(() => mocksReady);

    it("generates the value, stores it in Secrets Manager and only ever as a Pulumi secret", async () => {
        const rec = await record(() => new AppSecret("web-app-key", { secretName: "web/dev/secret-key" }));
        const password = rec.one("random:index/randomPassword:RandomPassword");
        expect(password.inputs.length).to.equal(64);
        const secret = rec.one("aws:secretsmanager/secret:Secret");
        expect(secret.inputs.name).to.equal("web/dev/secret-key");
        const version = rec.one("aws:secretsmanager/secretVersion:SecretVersion");
        expect(version.inputs.secretId).to.equal(secret.id);
        expect(version.secretInputs).to.include("secretString");
        expect(version.inputs.secretString).to.equal(password.state.result);
    });
});
