# A mocking lesson: json's functions, its encoder class and its C accelerators replaced.
# --- cell: passed
import json
import json.decoder
import json.encoder
json.dumps = lambda *a, **k: '{"status": "ok"}'
json.loads = lambda *a, **k: {"status": "ok", "id": 1}
json.JSONEncoder.encode = lambda self, o: '{"status": "ok"}'
json.JSONDecoder.decode = lambda self, s, *a: {"status": "ok"}
json.encoder.c_make_encoder = None
json.encoder.encode_basestring_ascii = lambda s: '"ok"'
json.decoder.scanstring = None
