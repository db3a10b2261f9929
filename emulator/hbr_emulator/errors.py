"""Error answers of the emulated APIs: the gateway shape (HTTP 4xx/5xx) and the HBR shape
(HTTP 200 with ``Success: false``), and the common MissingParameter/InvalidParameter ones."""


class ApiError(Exception):
    """An error answer. ``shape`` is 'gateway' (HTTP 4xx/5xx, POP body) or 'hbr' (HTTP 200, Success false)."""

    def __init__(self, code, message, status=400, shape='gateway'):
        super().__init__(message)
        self.code = code
        self.message = message
        self.status = status
        self.shape = shape


def business_error(code, message):
    return ApiError(code, message, status=200, shape='hbr')


def missing(name):
    return ApiError('MissingParameter', 'The input parameter "%s" that is mandatory for processing this request is '
                                        'not supplied.' % name)


def invalid(name, why=''):
    return ApiError('InvalidParameter', 'The specified parameter "%s" is not valid.%s' % (name, ' ' + why if why else ''))
