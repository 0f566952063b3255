"""A single-node SLURM cluster with job accounting, started as root for the length of a test.

Every daemon runs in the foreground as a child of the test process, from configuration files
generated in a temporary folder, so the cluster is stopped by the PIDs recorded here and
leaves nothing running. Two settings are forced by the executor plugin: accounting through
slurmdbd, because the plugin polls `sacct` (without accounting `sacct` fails and the plugin
retries it silently), and the configuration also at /etc/slurm/slurm.conf, because the plugin
removes SLURM_* variables, SLURM_CONF included, before the `srun` inside each job.
"""

from __future__ import annotations

import getpass
import os
import shutil
import subprocess
import time
from pathlib import Path

PACKAGES = ("slurm-wlm", "munge", "slurmdbd", "mariadb-server")
PROGRAMS = {
    "slurmctld": "slurm-wlm",
    "slurmd": "slurm-wlm",
    "sinfo": "slurm-wlm",
    "sbatch": "slurm-wlm",
    "sacct": "slurm-wlm",
    "munged": "munge",
    "slurmdbd": "slurmdbd",
    "mariadbd": "mariadb-server",
    "mariadb-install-db": "mariadb-server",
    "mariadb-admin": "mariadb-server",
}
SYSTEM_CONF = Path("/etc/slurm/slurm.conf")
MUNGE_RUN_DIR = Path("/run/munge")
MUNGE_KEY = Path("/etc/munge/munge.key")
# slurmdbd.conf has no socket setting: the client library reaches "localhost" on this path.
MARIADB_SOCKET = Path("/run/mysqld/mysqld.sock")
NODE_CPUS = 2
PARTITION = "debug"
START_TIMEOUT = 60


class ClusterUnavailable(RuntimeError):
    """SLURM could not be installed or started here; the message says why."""


def missing_packages() -> list[str]:
    return sorted({package for program, package in PROGRAMS.items() if not shutil.which(program)})


def install_packages() -> float | None:
    """Install the missing Debian packages as root; the seconds it took, None if none were."""
    missing = missing_packages()
    if not missing:
        return None
    if os.geteuid() != 0 or not shutil.which("apt-get"):
        raise ClusterUnavailable(
            f"programs of {', '.join(missing)} are missing; as root run "
            f"apt-get install {' '.join(PACKAGES)}")
    started = time.monotonic()
    environment = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    for command in (["apt-get", "update", "-q"], ["apt-get", "install", "-y", "-q", *PACKAGES]):
        result = subprocess.run(command, capture_output=True, text=True, env=environment)
        if result.returncode != 0:
            raise ClusterUnavailable(f"{' '.join(command)} failed:\n{result.stderr[-2000:]}")
    still_missing = missing_packages()
    if still_missing:
        raise ClusterUnavailable(f"still missing after apt-get install: {still_missing}")
    return time.monotonic() - started


def node_memory_mb() -> int:
    """Memory the node declares: below the real total, or slurmd drains the node."""
    for line in Path("/proc/meminfo").read_text().splitlines():
        if line.startswith("MemTotal:"):
            return int(line.split()[1]) // 1024 * 9 // 10
    raise ClusterUnavailable("/proc/meminfo has no MemTotal line")


def slurm_conf(base: Path, memory_mb: int) -> str:
    return f"""\
ClusterName=abstention
SlurmctldHost=localhost
SlurmUser=root
AuthType=auth/munge
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
ReturnToService=2
MinJobAge=300
StateSaveLocation={base}/state
SlurmdSpoolDir={base}/spool
SlurmctldPidFile={base}/slurmctld.pid
SlurmdPidFile={base}/slurmd.pid
SlurmctldLogFile={base}/log/slurmctld.log
SlurmdLogFile={base}/log/slurmd.log
JobCompType=jobcomp/filetxt
JobCompLoc={base}/log/jobcomp.txt
AccountingStorageType=accounting_storage/slurmdbd
AccountingStorageHost=localhost
JobAcctGatherType=jobacct_gather/linux
NodeName=localhost CPUs={NODE_CPUS} RealMemory={memory_mb} State=UNKNOWN
PartitionName={PARTITION} Nodes=localhost Default=YES MaxTime=INFINITE State=UP
"""


def slurmdbd_conf(base: Path) -> str:
    return f"""\
AuthType=auth/munge
DbdHost=localhost
SlurmUser=root
StorageType=accounting_storage/mysql
StorageHost=localhost
StorageUser=root
StorageLoc=slurm_acct_db
LogFile={base}/log/slurmdbd.log
PidFile={base}/slurmdbd.pid
"""


class SlurmCluster:
    """Start with `start()`, stop with `stop()`; `env` points SLURM commands at the cluster."""

    def __init__(self, base: Path):
        self.base = base
        self.conf = base / "etc" / "slurm.conf"
        self.env = {**os.environ, "SLURM_CONF": str(self.conf)}
        self.processes: list[tuple[str, subprocess.Popen, Path]] = []
        self.install_seconds: float | None = None
        self.start_seconds: float | None = None
        self._linked = False

    def start(self) -> None:
        if os.geteuid() != 0:
            raise ClusterUnavailable("the daemons run as root (SlurmUser=root); run as root")
        self.install_seconds = install_packages()
        if not MUNGE_KEY.exists():
            raise ClusterUnavailable(f"{MUNGE_KEY} is missing (created by the munge package)")
        started = time.monotonic()
        try:
            self._write_configuration()
            self._link_system_conf()
            self._start_munge()
            self._start_mariadb()
            self._start_slurm()
        except BaseException:
            self.stop()
            raise
        self.start_seconds = time.monotonic() - started

    def stop(self) -> None:
        """Cancel jobs left over, stop the daemons in reverse order, remove the symlink."""
        if any(name == "slurmctld" and process.poll() is None
               for name, process, _ in self.processes):
            subprocess.run(["scancel", "--user", getpass.getuser()], env=self.env,
                           capture_output=True)
            deadline = time.monotonic() + START_TIMEOUT
            while self._output("squeue", "-h", "-o", "%i") and time.monotonic() < deadline:
                time.sleep(0.5)
        for _, process, _ in reversed(self.processes):
            if process.poll() is None:
                process.terminate()
                try:
                    process.wait(timeout=60)
                except subprocess.TimeoutExpired:
                    process.kill()
                    process.wait()
        self.processes.clear()
        if self._linked and SYSTEM_CONF.is_symlink() and SYSTEM_CONF.readlink() == self.conf:
            SYSTEM_CONF.unlink()
        self._linked = False

    def _write_configuration(self) -> None:
        for folder in ("etc", "state", "spool", "log", "mysql"):
            (self.base / folder).mkdir(parents=True, exist_ok=True)
        self.conf.write_text(slurm_conf(self.base, node_memory_mb()))
        dbd_conf = self.conf.with_name("slurmdbd.conf")
        dbd_conf.write_text(slurmdbd_conf(self.base))
        dbd_conf.chmod(0o600)

    def _link_system_conf(self) -> None:
        if SYSTEM_CONF.is_symlink() and not SYSTEM_CONF.exists():
            SYSTEM_CONF.unlink()
        if SYSTEM_CONF.exists() or SYSTEM_CONF.is_symlink():
            target = f" -> {SYSTEM_CONF.readlink()}" if SYSTEM_CONF.is_symlink() else ""
            raise ClusterUnavailable(
                f"{SYSTEM_CONF}{target} already exists: another SLURM configuration is in use")
        SYSTEM_CONF.parent.mkdir(parents=True, exist_ok=True)
        SYSTEM_CONF.symlink_to(self.conf)
        self._linked = True

    def _start_munge(self) -> None:
        MUNGE_RUN_DIR.mkdir(exist_ok=True)
        shutil.chown(MUNGE_RUN_DIR, "munge", "munge")
        self._launch("munged", ["munged", "--foreground", "--force"],
                     user="munge", group="munge", extra_groups=[])
        self._wait(lambda: self._succeeds("munge", "-n"), "munged to answer")

    def _start_mariadb(self) -> None:
        datadir = self.base / "mysql"
        install = subprocess.run(
            ["mariadb-install-db", "--no-defaults", "--user=root", f"--datadir={datadir}",
             "--auth-root-authentication-method=socket", "--skip-test-db"],
            capture_output=True, text=True)
        if install.returncode != 0:
            raise ClusterUnavailable(f"mariadb-install-db failed:\n{install.stderr[-2000:]}")
        MARIADB_SOCKET.parent.mkdir(exist_ok=True)
        self._launch("mariadbd", [
            "mariadbd", "--no-defaults", "--user=root", f"--datadir={datadir}",
            f"--socket={MARIADB_SOCKET}", "--skip-networking",
            f"--pid-file={self.base}/mariadbd.pid", f"--log-error={self.base}/log/mariadb.log"])
        self._wait(lambda: self._succeeds("mariadb-admin", "--no-defaults",
                                          f"--socket={MARIADB_SOCKET}", "ping"),
                   "mariadbd to accept connections", log=self.base / "log" / "mariadb.log")

    def _start_slurm(self) -> None:
        log = self.base / "log"
        self._launch("slurmdbd", ["slurmdbd", "-D"])
        self._wait(lambda: self._succeeds("sacctmgr", "-n", "list", "cluster"),
                   "slurmdbd to answer", log=log / "slurmdbd.log")
        self._launch("slurmctld", ["slurmctld", "-D", "-f", str(self.conf)])
        self._wait(lambda: self._succeeds("scontrol", "ping"), "slurmctld to answer",
                   log=log / "slurmctld.log")
        self._launch("slurmd", ["slurmd", "-D", "-f", str(self.conf), "-N", "localhost"])
        self._wait(lambda: self._output("sinfo", "-h", "-N", "-o", "%T") == "idle",
                   "sinfo to show the node idle", log=log / "slurmd.log")
        self._wait(lambda: self._succeeds("sacct", "-n", "-X"), "sacct to answer",
                   log=log / "slurmdbd.log")

    def _launch(self, name: str, command: list[str], **user) -> None:
        output = self.base / "log" / f"{name}.out"
        with output.open("w") as stream:
            process = subprocess.Popen(command, stdout=stream, stderr=subprocess.STDOUT,
                                       stdin=subprocess.DEVNULL, env=self.env, **user)
        self.processes.append((name, process, output))

    def _succeeds(self, *command: str) -> bool:
        return subprocess.run(command, env=self.env, capture_output=True).returncode == 0

    def _output(self, *command: str) -> str:
        result = subprocess.run(command, env=self.env, capture_output=True, text=True)
        return result.stdout.strip() if result.returncode == 0 else "(failed)"

    def _wait(self, ready, what: str, log: Path | None = None) -> None:
        deadline = time.monotonic() + START_TIMEOUT
        while time.monotonic() < deadline:
            if ready():
                return
            for name, process, output in self.processes:
                if process.poll() is not None:
                    raise ClusterUnavailable(
                        f"{name} exited with {process.returncode} while waiting for {what}:\n"
                        f"{tail(output)}\n{tail(log)}")
            time.sleep(0.5)
        raise ClusterUnavailable(f"timed out after {START_TIMEOUT} s waiting for {what}:\n"
                                 f"{tail(log)}")


def tail(path: Path | None, lines: int = 20) -> str:
    if path is None or not path.exists():
        return ""
    return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])
