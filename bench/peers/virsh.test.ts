import { expect, test } from "bun:test";
import { handTypedXml } from "./virsh";

// The shape `virsh dumpxml --inactive` gives for rum's domain (trimmed).
const rumXml = `<domain type='qemu'>
  <name>rum-bench-1a2b3c4d</name>
  <uuid>0d9e7f3c-5a55-4c1b-9d7e-3f6b2a1c0e11</uuid>
  <metadata>
    <rum:vm xmlns:rum="https://rum.dev/xmlns/vm/1"><rum:owner>x</rum:owner></rum:vm>
  </metadata>
  <memory unit='KiB'>1048576</memory>
  <devices>
    <disk type='volume' device='disk'>
      <driver name='qemu' type='qcow2'/>
      <source pool='rum' volume='rum-bench-1a2b3c4d-root.qcow2'/>
      <target dev='vda' bus='virtio'/>
    </disk>
    <disk type='volume' device='cdrom'>
      <driver name='qemu' type='raw'/>
      <source pool='rum' volume='rum-bench-1a2b3c4d-seed-0123456789ab.iso'/>
      <target dev='sda' bus='sata'/>
      <readonly/>
    </disk>
    <interface type='network'>
      <mac address='52:54:00:aa:bb:cc'/>
      <source network='default'/>
    </interface>
    <serial type='pty'>
      <log file='/root/.local/share/rum/rum-bench-1a2b3c4d/logs/console.log' append='on'/>
    </serial>
  </devices>
</domain>
`;

test("the hand-typed guest gets rum's definition with its own name, files and no rum metadata", () => {
  const xml = handTypedXml(rumXml, "rumbench-virsh-0", {
    disk: "/i/rumbench-virsh-0.qcow2",
    seed: "/i/rumbench-virsh-0-seed.iso",
    log: "/w/console.log",
  });
  expect(xml).toContain("<name>rumbench-virsh-0</name>");
  expect(xml).not.toContain("<uuid>");
  expect(xml).not.toContain("rum:vm");
  expect(xml).not.toContain("pool=");
  expect(xml).toContain(
    "<disk type='file' device='disk'>\n      <driver name='qemu' type='qcow2'/>\n      <source file='/i/rumbench-virsh-0.qcow2'/>",
  );
  expect(xml).toContain("<disk type='file' device='cdrom'>");
  expect(xml).toContain("<source file='/i/rumbench-virsh-0-seed.iso'/>");
  expect(xml).toContain("<log file='/w/console.log' append='on'/>");
  // Same MAC: the seed's network-config matches the NIC by it.
  expect(xml).toContain("<mac address='52:54:00:aa:bb:cc'/>");
  expect(xml).not.toContain("rum-bench-1a2b3c4d");
});
