"""Refusing an oversize upload on arrival, before anything buffers, hashes or stores it.

The first of the site's upload handlers: a file that cannot fit under ``EVIDENCE_MAX_BYTES`` (the
request declares more than the limit and the form's other fields) is skipped at its first byte;
one that grows past the limit as it arrives is skipped there. The rest of the form is still read,
so the engine can refuse the step with a message naming the limit (``refused_uploads``).
"""

from django.core.files.uploadhandler import FileUploadHandler, SkipFile

from approvals import evidence

# Room for the form's other fields next to the file in one request.
FORM_FIELDS_BYTES = 64 * 1024


def refused_uploads(request) -> dict:
    """Field name → the file that was dropped on arrival, as an ``evidence.Oversize``."""
    return getattr(request, "_refused_uploads", {})


class SizeLimitedUploadHandler(FileUploadHandler):
    def _refuse(self):
        self.request._refused_uploads = {
            **refused_uploads(self.request),
            self.field_name: evidence.Oversize(self.file_name),
        }
        raise SkipFile

    def new_file(self, field_name, file_name, content_type, content_length, charset=None, *a):
        super().new_file(field_name, file_name, content_type, content_length, charset, *a)
        limit = evidence.max_bytes()
        declared = self.request.META.get("CONTENT_LENGTH") or 0
        if int(declared) > limit + FORM_FIELDS_BYTES or (content_length or 0) > limit:
            self._refuse()

    def receive_data_chunk(self, raw_data, start):
        if start + len(raw_data) > evidence.max_bytes():
            self._refuse()
        return raw_data

    def file_complete(self, file_size):
        return None
