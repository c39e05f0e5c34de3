/**
 * The load generator of `npm run bench:api` (scripts/benchApi/load.ts): the
 * requests it builds, how it reads answers, and a short bounded run against a
 * real HTTP server on loopback that counts answers and refused statuses.
 */
import { expect } from "chai";
import * as http from "http";
import type * as net from "net";
import { parseAnswer, requestBytes, runLoad, type LoadSpec } from "../scripts/benchApi/load";

const SPEC: LoadSpec = {
    port: 8080,
    method: "POST",
    paths: ["/api/uploads"],
    tokens: ["t0", "t1"],
    body: '{"size":1}',
    expect: 201,
    connections: 2,
    warmupMs: 0,
    durationMs: 300,
};

describe("bench:api load generator", () => {
    it("builds each request's bytes once: method, path, host, token, JSON body with its length", () => {
        expect(requestBytes(SPEC).map(String)).to.deep.equal([
            "POST /api/uploads HTTP/1.1\r\nhost: 127.0.0.1:8080\r\nauthorization: Bearer t0\r\n" +
                'content-type: application/json\r\ncontent-length: 10\r\n\r\n{"size":1}',
        ]);
        const get = requestBytes({ ...SPEC, method: "GET", paths: ["/a", "/b", "/c"], body: undefined });
        expect(get.map(String)).to.deep.equal([
            "GET /a HTTP/1.1\r\nhost: 127.0.0.1:8080\r\nauthorization: Bearer t0\r\n\r\n",
            "GET /b HTTP/1.1\r\nhost: 127.0.0.1:8080\r\nauthorization: Bearer t1\r\n\r\n",
            "GET /c HTTP/1.1\r\nhost: 127.0.0.1:8080\r\nauthorization: Bearer t0\r\n\r\n",
        ]);
    });

    it("reads an answer only once complete, by its content-length", () => {
        const answer = "HTTP/1.1 201 Created\r\nContent-Length: 5\r\nx: y\r\n\r\nhello";
        expect(parseAnswer(Buffer.from(answer.slice(0, 20)))).to.equal(undefined);
        expect(parseAnswer(Buffer.from(answer.slice(0, -1)))).to.equal(undefined);
        expect(parseAnswer(Buffer.from(answer + "HTTP/1.1"))).to.deep.equal({
            status: 201,
            length: answer.length,
            close: false,
        });
        expect(parseAnswer(Buffer.from("HTTP/1.1 503 x\r\ncontent-length: 0\r\nConnection: close\r\n\r\n"))).to.include(
            {
                status: 503,
                close: true,
            },
        );
        expect(() => parseAnswer(Buffer.from("HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\n"))).to.throw(
            "an answer without content-length: HTTP/1.1 200 OK",
        );
    });

    it("runs a bounded closed loop against a real server: every answer counted, other statuses are errors", async () => {
        let served = 0;
        const server = http.createServer((req, res) => {
            req.resume();
            req.on("end", () => {
                served += 1;
                const ok = req.headers.authorization === "Bearer t0";
                res.writeHead(ok ? 201 : 401, { "content-type": "application/json", "content-length": "11" });
                res.end('{"ok":true}');
            });
        });
        await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
        try {
            const port = (server.address() as net.AddressInfo).port;
            const result = await runLoad({ ...SPEC, port, tokens: ["t0"] });
            expect(result.total).to.equal(served).and.be.greaterThan(10);
            expect(result.errors).to.equal(0);
            expect(result.requests).to.be.within(1, result.total);
            expect(result.p50).to.be.greaterThan(0).and.at.most(result.max);
            const refused = await runLoad({ ...SPEC, port, paths: ["/a", "/b"], tokens: ["t0", "t1"] });
            expect(refused.errors).to.be.closeTo(refused.total / 2, 1);
        } finally {
            server.close();
        }
    });
});
