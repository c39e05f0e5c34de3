import { failsBeforeRegistering, mocksReady, record } from "./harness/mocks";
import { expect } from "chai";
import { AppSecret } from "../components";

describe("application secret", () => {
    before(() => mocksReady);

    it("generates the value, stores it in Secrets Manager and only ever as a Pulumi secret", async () => {
        const rec = await record(() => new AppSecret("web-app-key", { secretName: "web/dev/secret-key" }));
        const password = rec.one("random:index/randomPassword:RandomPassword");
        expect(password.inputs.length).to.equal(64);
        const secret = rec.one("aws:secretsmanager/secret:Secret");
        const suffix = rec.one("random:index/randomId:RandomId");
        expect(suffix.inputs).to.deep.include({ byteLength: 4, keepers: { secretName: "web/dev/secret-key" } });
        expect(secret.inputs.name)
            .to.equal(`web/dev/secret-key-${suffix.state.hex}`)
            .and.match(/-[0-9a-f]{8}$/);
        // A secret deployed under its bare name keeps it: the name is ignored on updates.
        expect(secret.ignoreChanges).to.deep.equal(["name"]);
        const version = rec.one("aws:secretsmanager/secretVersion:SecretVersion");
        expect(version.inputs.secretId).to.equal(secret.id);
        expect(version.secretInputs).to.include("secretString");
        expect(version.inputs.secretString).to.equal(password.state.result);
    });

    it("keeps the bare name with uniqueName false (and then tracks name changes)", async () => {
        const rec = await record(() => new AppSecret("plain", { secretName: "web/dev/plain", uniqueName: false }));
        expect(rec.ofType("random:index/randomId:RandomId")).to.have.length(0);
        const secret = rec.one("aws:secretsmanager/secret:Secret");
        expect(secret.inputs.name).to.equal("web/dev/plain");
        expect(secret.ignoreChanges).to.deep.equal([]);
    });

    it("refuses a bad name, length or recovery window before registering anything", async () => {
        const message = await failsBeforeRegistering(
            () => new AppSecret("key", { secretName: "my secret!", length: 8, recoveryWindowInDays: 3 }),
        );
        expect(message).to.equal(
            [
                'AppSecret "key": invalid values:',
                '  - secretName: "my secret!" is not a Secrets Manager name of 1 to 512 letters, digits and / _ + = . @ -',
                "  - length: 8 is out of range: expected an integer from 32 to 1024",
                "  - recoveryWindowInDays: 3 is not a recovery window Secrets Manager accepts: expected 0 (delete at once) or an integer from 7 to 30",
            ].join("\n"),
        );
        const rec = await record(() => new AppSecret("now", { secretName: "app/dev/key", recoveryWindowInDays: 0 }));
        expect(rec.one("aws:secretsmanager/secret:Secret").inputs.recoveryWindowInDays).to.equal(0);
    });
});
