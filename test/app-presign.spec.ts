/**
 * The upload route's POST signer (app/src/uploads/postSigner.ts) against
 * the library it stands in for: for the same clock, credentials and
 * endpoint, its URL, fields, policy and signature are byte for byte
 * createPresignedPost's (@aws-sdk/s3-presigned-post), across dates, session
 * tokens, clock skew, custom endpoints and rotated credentials. What S3
 * itself enforces with the policy (type, size, key, expiry, signature) is
 * checked through the API against s3rver in app-api.spec.ts.
 */
import { S3Client, type S3ClientConfig } from "@aws-sdk/client-s3";
import { createPresignedPost } from "@aws-sdk/s3-presigned-post";
import { expect } from "chai";
import { postSigner, signingKey, type PostInput } from "../app/src/uploads/postSigner";
import { uploadConditions } from "../app/src/uploads/presign";
import { IMAGE_TYPES } from "../app/src/uploads/types";

const CREDENTIALS = { accessKeyId: "AKIDEXAMPLE", secretAccessKey: "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY" };
const INPUT: PostInput = {
    Bucket: "media-bucket",
    Key: "uploads/0193a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a50.jpg",
    Fields: { "Content-Type": "image/jpeg" },
    Conditions: uploadConditions(IMAGE_TYPES[0], 250_000),
    Expires: 300,
};

/** createPresignedPost with Date.now fixed at `now` (it reads the clock itself). */
async function library(s3: S3Client, input: PostInput, now: number) {
    const realNow = Date.now;
    Date.now = () => now;
    try {
        return await createPresignedPost(s3, input as Parameters<typeof createPresignedPost>[1]);
    } finally {
        Date.now = realNow;
    }
}

const policyOf = (fields: Record<string, string>) => JSON.parse(Buffer.from(fields.Policy, "base64").toString("utf8"));

describe("app: presigned POST signer", () => {
    const clients: S3Client[] = [];
    const client = (config: S3ClientConfig) => {
        const s3 = new S3Client(config);
        clients.push(s3);
        return s3;
    };
    after(() => clients.forEach((c) => c.destroy()));

    it("derives the SigV4 signing key of AWS's documented example", () => {
        expect(signingKey(CREDENTIALS.secretAccessKey, "20150830", "us-east-1", "iam").toString("hex")).to.equal(
            "c4afb1cc5771d871763a393e44b703571b55cc28424d1a5e86da6ed3c154a4b9",
        );
    });

    it("signs what createPresignedPost signs, for every request of a day and the next (virtual-hosted URL)", async () => {
        const s3 = client({ region: "eu-west-1", credentials: CREDENTIALS });
        const sign = postSigner(s3);
        const times = [Date.UTC(2026, 11, 1, 12, 0, 0, 123), Date.UTC(2026, 11, 1, 23, 59, 59), Date.UTC(2026, 11, 2)];
        for (const now of times) {
            for (const input of [
                INPUT,
                { ...INPUT, Key: "uploads/other.png", Fields: { "Content-Type": "image/png" } },
            ]) {
                const mine = await sign(input, now);
                expect(mine).to.deep.equal(await library(s3, input, now));
                expect(JSON.stringify(mine.fields)).to.equal(JSON.stringify((await library(s3, input, now)).fields));
            }
        }
        const last = await sign(INPUT, times[2]);
        expect(last.url).to.equal("https://media-bucket.s3.eu-west-1.amazonaws.com/");
        expect(last.fields["X-Amz-Credential"]).to.equal("AKIDEXAMPLE/20261202/eu-west-1/s3/aws4_request");
        expect(policyOf(last.fields).expiration).to.equal("2026-12-02T00:05:00Z");
    });

    it("includes a session token, and follows credentials the SDK refreshes (expiring ones)", async () => {
        // The SDK calls the provider again when the credentials expire within 5 minutes.
        const expiration = new Date(Date.now() + 60_000);
        let current = { ...CREDENTIALS, sessionToken: "token-1", expiration };
        const s3 = client({ region: "us-east-1", credentials: async () => current });
        const sign = postSigner(s3);
        const now = Date.UTC(2026, 11, 1, 8, 30);
        const first = await sign(INPUT, now);
        expect(first.fields["X-Amz-Security-Token"]).to.equal("token-1");
        expect(policyOf(first.fields).conditions).to.deep.include({ "X-Amz-Security-Token": "token-1" });
        expect(first).to.deep.equal(await library(s3, INPUT, now));
        current = {
            accessKeyId: "AKIDROTATED",
            secretAccessKey: "another-secret",
            sessionToken: "token-2",
            expiration,
        };
        const rotated = await sign(INPUT, now);
        expect(rotated.fields["X-Amz-Credential"]).to.match(/^AKIDROTATED\//);
        expect(rotated).to.deep.equal(await library(s3, INPUT, now));
        expect(rotated.fields["X-Amz-Signature"]).to.not.equal(first.fields["X-Amz-Signature"]);
    });

    it("applies the client's clock skew correction, like the library", async () => {
        const s3 = client({ region: "us-east-1", credentials: CREDENTIALS });
        s3.config.systemClockOffset = -90_000;
        const now = Date.UTC(2026, 11, 1, 0, 1, 0);
        const mine = await postSigner(s3)(INPUT, now);
        expect(mine.fields["X-Amz-Date"]).to.equal("20261130T235930Z");
        expect(mine).to.deep.equal(await library(s3, INPUT, now));
    });

    it("uses the library's URL for a custom path-style endpoint (a local S3 server)", async () => {
        const s3 = client({
            region: "us-east-1",
            credentials: CREDENTIALS,
            endpoint: "http://127.0.0.1:4569",
            forcePathStyle: true,
        });
        const now = Date.UTC(2026, 11, 1, 9);
        const mine = await postSigner(s3)(INPUT, now);
        expect(mine.url).to.equal("http://127.0.0.1:4569/media-bucket");
        expect(mine).to.deep.equal(await library(s3, INPUT, now));
    });

    it("refuses a ${filename} key, which the upload route never makes", async () => {
        const s3 = client({ region: "us-east-1", credentials: CREDENTIALS });
        const error = await postSigner(s3)({ ...INPUT, Key: "uploads/${filename}" }).catch((e: Error) => e);
        expect(error).to.be.instanceOf(Error);
        expect((error as Error).message).to.match(/\$\{filename\}/);
    });
});
