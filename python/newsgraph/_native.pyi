"""Type stubs of newsgraph's compiled module; the public API is the newsgraph package."""

from typing import Dict, List, Optional, Tuple

class NewsgraphError(Exception):
    """An error of the newsgraph library, with its message."""

class NativeStream: ...

class NativeGraph:
    def node_link_json(self) -> str: ...
    def summary_json(self) -> str: ...
    def problems_json(self) -> str: ...
    def write(self, dir: str, names: List[str]) -> List[str]: ...

class NativePipeline:
    def __init__(
        self,
        model: str,
        parser: str,
        threads: Optional[int],
        parse: str,
        rules: Optional[str],
        gazetteer: Optional[str],
        aggregation_name: str,
        batch_size: int,
        max_tokens: Optional[int],
        docs_per_batch: int,
        max_doc_bytes: int,
        docs_per_node: int,
        evidence_per_edge: int,
        report_docs: int,
        fields: Tuple[str, str, str, str],
        relations: str,
        relation_model: Optional[str],
        relation_threshold: Optional[float],
    ) -> None: ...
    @property
    def threads(self) -> int: ...
    @property
    def options_fingerprint(self) -> str: ...
    def extract(self, docs: List[Tuple[str, str, Dict[str, str]]]) -> NativeGraph: ...
    def extract_files(self, paths: List[str]) -> NativeGraph: ...
    def stream(self) -> NativeStream: ...
    def process(
        self, stream: NativeStream, docs: List[Tuple[str, str, Dict[str, str]]]
    ) -> List[str]: ...

def eval_fixtures(native: NativePipeline, dir: str) -> str: ...
def library_version() -> str: ...
