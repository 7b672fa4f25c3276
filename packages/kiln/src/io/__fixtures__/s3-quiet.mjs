// Makes an S3FileSystem for the endpoint in argv[2], writes and reads s3://<argv[3]>/quiet/x.txt, then
// emits an unrelated warning. Prints what it read and whether the SDK's warning opt-out is still set.
// The S3 tests run it with `node --import tsx` and read its stderr (warnings are once per process).
import { S3FileSystem } from "../s3-file-system.ts";

const [endpoint, bucket] = process.argv.slice(2);
const fs = await S3FileSystem.create({
  credentials: { key: "testing", secret: "testing", endpoint_url: endpoint },
});
await fs.write(`s3://${bucket}/quiet/x.txt`, "quiet");
const text = new TextDecoder().decode(await fs.read(`s3://${bucket}/quiet/x.txt`));
fs.destroy();
process.emitWarning("kiln-test: an unrelated warning still shows");
const optOut = process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ?? null;
process.stdout.write(JSON.stringify({ text, optOut }));
