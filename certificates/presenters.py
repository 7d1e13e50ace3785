"""The certificate as the API and the pages give it: C = {id, entry, leaf_index, receipt}."""

import base64
import json

from .log import inclusion_proof
from .models import Certificate, TreeHead


def receipt_head(cert: Certificate) -> TreeHead | None:
    """The tree head that first included the entry: the smallest one past its leaf."""
    return TreeHead.objects.filter(tree_size__gt=cert.leaf_index).order_by("tree_size").first()


def certificate_json(cert: Certificate) -> dict:
    head = receipt_head(cert)
    receipt = None
    if head is not None:
        hashes = inclusion_proof(leaf_index=cert.leaf_index, size=head.tree_size)
        receipt = {**head.as_json(), "hashes": [base64.b64encode(h).decode() for h in hashes]}
    return {"id": cert.public_id, "entry": json.loads(cert.entry), "leaf_index": cert.leaf_index,
            "receipt": receipt}
