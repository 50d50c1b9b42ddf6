// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.28;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {Ownable} from "@openzeppelin/contracts/access/Ownable.sol";
import {EIP712} from "@openzeppelin/contracts/utils/cryptography/EIP712.sol";
import {ECDSA} from "@openzeppelin/contracts/utils/cryptography/ECDSA.sol";

/// @title The pool's channel hub: cumulative vouchers and batch settlement in S*
/// @notice The pool deposits S*. Each owner is owed a cumulative amount that only grows; the hub is only ever
///         allowed to pay an owner the difference between that cumulative amount and what it already paid, so no
///         voucher or batch pays twice.
///
///         Two ways to pay:
///         - {redeem}: the owner (or anyone for it) presents the latest EIP-712 voucher
///           `Voucher(address owner,uint256 cumulativeAmount)` signed by the hub signer; the tokens go straight to the
///           owner. This needs nothing from the hub's operator: it is the unilateral exit.
///         - {settleBatch}: the operator settles many owners in one transaction. It is trusted for this (no signature
///           per owner) and can only credit S* that was deposited and not yet credited. A credit is final: the credited
///           tokens stay in this contract, nothing but {withdraw} (payable to the owner only, callable by anyone)
///           and {redeem} can move them, and no role can take them back.
///
///         Storage, chosen for batch gas: each owner gets a dense index at first payment; the cumulative amount paid
///         to index i is a 64-bit lane (i % 4) of the slot LANES_BASE + i / 4, so a batch sorted by index rewrites one
///         slot per four owners; the operator, the owner count and the uncredited deposit share one slot, read and
///         written once per batch. Amounts are S* base units and fit a signed 64-bit integer off-chain.
contract ChannelHub is EIP712, Ownable {
    using SafeERC20 for IERC20;

    /// @notice EIP-712 type of a voucher.
    bytes32 public constant VOUCHER_TYPEHASH = keccak256("Voucher(address owner,uint256 cumulativeAmount)");
    /// @notice Bytes per batch entry: owner index (uint32) then cumulative amount (uint64), big-endian.
    uint256 public constant ENTRY_BYTES = 12;

    uint256 private constant MASK64 = 0xffffffffffffffff;
    uint256 private constant MASK32 = 0xffffffff;
    /// @dev Start of the paid-lanes region: slot LANES_BASE + i / 4 holds the lanes of indices 4(i/4) .. 4(i/4) + 3.
    ///      A hash-derived base (as in ERC-1967) keeps it clear of the compiler's layout; no keccak per access.
    uint256 private constant LANES_BASE = uint256(keccak256("onder.ChannelHub.paidLanes")) - 1;

    /// @notice The S* token this hub pays in.
    IERC20 public immutable token;
    /// @notice The key that signs vouchers. Immutable, so a voucher once signed stays redeemable.
    address public immutable signer;

    // These three share one slot: a batch reads and writes it once.
    /// @notice The account allowed to call {settleBatch}.
    address public operator;
    /// @notice Owners registered so far; the next owner gets this index.
    uint32 public ownerCount;
    /// @notice S* deposited and not yet credited to any owner.
    uint64 public unallocated;

    /// @dev Per owner: bits 0..31 = index + 1 (0 = not registered), bits 32..95 = cumulative amount withdrawn.
    mapping(address owner => uint256) private _accounts;

    /// @notice `from` deposited `amount` S* for future payouts.
    event Deposited(address indexed from, uint256 amount);
    /// @notice `owner` got its dense index.
    event OwnerRegistered(address indexed owner, uint256 indexed index);
    /// @notice One batch settled. `payouts` holds one 12-byte record per owner paid a non-zero difference: uint32
    ///         owner index, uint64 amount paid (big-endian); owners resolve through {OwnerRegistered}, their new
    ///         cumulative amount through {paidOfIndex}.
    event BatchSettled(bytes32 indexed batchRef, uint256 payees, uint256 total, bytes payouts);
    /// @notice `owner` redeemed a voucher of `cumulativeAmount` and received `amount` S*.
    event VoucherRedeemed(address indexed owner, uint256 cumulativeAmount, uint256 amount);
    /// @notice `owner` received `amount` S* of its credited balance.
    event Withdrawn(address indexed owner, uint256 amount);
    /// @notice The admin took back `amount` of uncredited S*.
    event Reclaimed(address indexed to, uint256 amount);
    /// @notice The operator changed.
    event OperatorChanged(address indexed operator);

    /// @notice Only the operator may settle batches.
    error ChannelHubNotOperator(address caller);
    /// @notice An address given is the zero address.
    error ChannelHubZeroAddress();
    /// @notice The batch was built for another owner count (someone registered meanwhile): rebuild it.
    error ChannelHubOwnerCountMismatch(uint256 expected, uint256 actual);
    /// @notice The owner already has an index.
    error ChannelHubOwnerExists(address owner);
    /// @notice The entries are not a whole number of {ENTRY_BYTES}-byte records.
    error ChannelHubMalformedEntries(uint256 length);
    /// @notice An entry names an index no owner has.
    error ChannelHubUnknownIndex(uint256 index);
    /// @notice Paying `needed` would exceed the `available` uncredited deposit.
    error ChannelHubInsufficientDeposit(uint256 needed, uint256 available);
    /// @notice The voucher was not signed by the hub signer for this chain and contract.
    error ChannelHubBadSignature();
    /// @notice The voucher's cumulative amount is not above what was already paid.
    error ChannelHubStaleVoucher(uint256 cumulativeAmount, uint256 alreadyPaid);
    /// @notice Cumulative amounts are 64-bit.
    error ChannelHubAmountTooLarge(uint256 amount);
    /// @notice The owner has never been paid.
    error ChannelHubUnknownOwner(address owner);
    /// @notice The owner's credited balance is empty.
    error ChannelHubNothingToWithdraw(address owner);
    /// @notice Deposits are non-zero.
    error ChannelHubZeroAmount();

    /// @param token_ the S* token
    /// @param signer_ the voucher-signing key's address
    /// @param operator_ may call {settleBatch}
    /// @param admin may change the operator and reclaim uncredited deposit
    constructor(IERC20 token_, address signer_, address operator_, address admin)
        EIP712("Onder ChannelHub", "1")
        Ownable(admin)
    {
        if (address(token_) == address(0) || signer_ == address(0) || operator_ == address(0)) {
            revert ChannelHubZeroAddress();
        }
        token = token_;
        signer = signer_;
        operator = operator_;
    }

    // ---------------------------------------------------------------------------------------------- funding

    /// @notice Deposits `amount` S* from the caller (approve first) for future payouts.
    /// @param amount S* base units
    function deposit(uint256 amount) external {
        if (amount == 0) revert ChannelHubZeroAmount();
        if (amount > MASK64 - unallocated) revert ChannelHubAmountTooLarge(amount);
        unallocated += uint64(amount);
        emit Deposited(msg.sender, amount);
        token.safeTransferFrom(msg.sender, address(this), amount);
    }

    /// @notice Sends uncredited deposit back. Only the admin; credited S* can never be reclaimed.
    /// @param to receiver
    /// @param amount S* base units, at most {unallocated}
    function reclaim(address to, uint256 amount) external onlyOwner {
        if (to == address(0)) revert ChannelHubZeroAddress();
        uint256 available = unallocated;
        if (amount > available) revert ChannelHubInsufficientDeposit(amount, available);
        unallocated = uint64(available - amount);
        emit Reclaimed(to, amount);
        token.safeTransfer(to, amount);
    }

    /// @notice Changes the operator. Only the admin.
    /// @param operator_ the new operator
    function setOperator(address operator_) external onlyOwner {
        if (operator_ == address(0)) revert ChannelHubZeroAddress();
        operator = operator_;
        emit OperatorChanged(operator_);
    }

    // ---------------------------------------------------------------------------------------------- batch

    /// @notice Settles many owners at once: registers `newOwners` (indices ownerCount, ownerCount + 1, ...), then
    ///         for each entry credits the owner the difference between the entry's cumulative amount and what it
    ///         was already paid (nothing if not above). Sorting entries by index makes them cheaper.
    /// @param expectedOwnerCount the {ownerCount} the batch was built against; guards the new owners' indices
    /// @param newOwners owners paid for the first time, in the order their indices are assigned
    /// @param entries packed records of {ENTRY_BYTES} bytes: uint32 index, uint64 cumulative amount
    /// @param batchRef the caller's reference for this batch (e.g. keccak256 of its batch id), indexed in the event
    /// @return payees owners paid a non-zero difference
    /// @return total S* base units credited
    function settleBatch(
        uint256 expectedOwnerCount,
        address[] calldata newOwners,
        bytes calldata entries,
        bytes32 batchRef
    ) external returns (uint256 payees, uint256 total) {
        if (msg.sender != operator) revert ChannelHubNotOperator(msg.sender);
        uint256 count = ownerCount;
        if (count != expectedOwnerCount) revert ChannelHubOwnerCountMismatch(expectedOwnerCount, count);
        if (newOwners.length != 0) count = _registerAll(newOwners, count);
        uint256 len = entries.length;
        if (len % ENTRY_BYTES != 0) revert ChannelHubMalformedEntries(len);

        uint256 badIndex;
        uint256 head;
        (payees, total, badIndex, head) = _applyEntries(entries, count);
        if (badIndex != 0) revert ChannelHubUnknownIndex(badIndex - 1);
        uint256 available = unallocated;
        if (total > available) revert ChannelHubInsufficientDeposit(total, available);
        unallocated = uint64(available - total);
        bytes32 topic = BatchSettled.selector;
        assembly ("memory-safe") {
            // Event data is ABI-encoded (payees, total, bytes payouts); the payout records are already in place.
            let n := mul(payees, 12)
            mstore(head, payees)
            mstore(add(head, 0x20), total)
            mstore(add(head, 0x40), 0x60)
            mstore(add(head, 0x60), n)
            log2(head, add(0x80, and(add(n, 31), not(31))), topic, batchRef)
        }
    }

    /// @dev Credits every entry; writes the payout records from `head + 0x80` on (free memory, left for the caller's
    ///      log). badIndex is 1 + the first unknown index met, or 0. Each lanes slot is loaded once per run of
    ///      entries in it and stored once when the run ends.
    function _applyEntries(bytes calldata entries, uint256 count)
        private
        returns (uint256 payees, uint256 total, uint256 badIndex, uint256 head)
    {
        uint256 lanesBase = LANES_BASE;
        assembly ("memory-safe") {
            head := mload(0x40)
            let out := add(head, 0x80)
            let curKey := 0
            let curVal := 0
            let curSlot := not(0)
            let end := add(entries.offset, entries.length)
            for { let p := entries.offset } lt(p, end) { p := add(p, 12) } {
                let word := calldataload(p)
                let idx := shr(224, word)
                if iszero(lt(idx, count)) {
                    badIndex := add(idx, 1)
                    break
                }
                if iszero(eq(shr(2, idx), curSlot)) {
                    if curKey { sstore(curKey, curVal) }
                    curSlot := shr(2, idx)
                    curKey := add(lanesBase, curSlot)
                    curVal := sload(curKey)
                }
                let shift := shl(6, and(idx, 3))
                word := and(shr(160, word), MASK64) // the cumulative amount
                let paid := and(shr(shift, curVal), MASK64)
                if gt(word, paid) {
                    curVal := or(and(curVal, not(shl(shift, MASK64))), shl(shift, word))
                    paid := sub(word, paid) // the amount paid now
                    total := add(total, paid)
                    mstore(out, shl(160, or(shl(64, idx), paid)))
                    out := add(out, 12)
                    payees := add(payees, 1)
                }
            }
            if curKey { sstore(curKey, curVal) }
            mstore(out, 0) // zero padding of the last ABI word
            mstore(0x40, add(out, 0x20)) // keep the payout records ours until the caller logs them
        }
    }

    function _registerAll(address[] calldata newOwners, uint256 count) private returns (uint256) {
        for (uint256 i = 0; i < newOwners.length; ++i) {
            _register(newOwners[i], count);
            ++count;
        }
        if (count > MASK32) revert ChannelHubAmountTooLarge(count);
        ownerCount = uint32(count);
        return count;
    }

    function _register(address owner, uint256 index) private {
        if (owner == address(0)) revert ChannelHubZeroAddress();
        if (_accounts[owner] != 0) revert ChannelHubOwnerExists(owner);
        _accounts[owner] = index + 1;
        emit OwnerRegistered(owner, index);
    }

    // ---------------------------------------------------------------------------------------------- owners

    /// @notice Redeems a voucher: pays `owner` everything it is owed up to `cumulativeAmount`, including any credited
    ///         balance not yet withdrawn. Anyone may submit it; the tokens always go to `owner`.
    /// @param owner the payee named in the voucher
    /// @param cumulativeAmount the voucher's cumulative amount (S* base units)
    /// @param signature the hub signer's 65-byte EIP-712 signature (r, s, v)
    /// @return amount S* base units transferred to `owner`
    function redeem(address owner, uint256 cumulativeAmount, bytes calldata signature)
        external
        returns (uint256 amount)
    {
        if (cumulativeAmount > MASK64) revert ChannelHubAmountTooLarge(cumulativeAmount);
        bytes32 digest = _hashTypedDataV4(keccak256(abi.encode(VOUCHER_TYPEHASH, owner, cumulativeAmount)));
        (address recovered, ECDSA.RecoverError err,) = ECDSA.tryRecoverCalldata(digest, signature);
        if (err != ECDSA.RecoverError.NoError || recovered != signer) revert ChannelHubBadSignature();

        uint256 account = _accounts[owner];
        if (account == 0) {
            uint256 index = ownerCount;
            ownerCount = uint32(index + 1);
            _register(owner, index);
            account = index + 1;
        }
        uint256 idx = (account & MASK32) - 1;
        uint256 paid = _paidOf(idx);
        if (cumulativeAmount <= paid) revert ChannelHubStaleVoucher(cumulativeAmount, paid);
        uint256 delta = cumulativeAmount - paid;
        uint256 available = unallocated;
        if (delta > available) revert ChannelHubInsufficientDeposit(delta, available);

        unallocated = uint64(available - delta);
        _setPaid(idx, cumulativeAmount);
        amount = cumulativeAmount - (account >> 32);
        _accounts[owner] = (cumulativeAmount << 32) | (account & MASK32);
        emit VoucherRedeemed(owner, cumulativeAmount, amount);
        token.safeTransfer(owner, amount);
    }

    /// @notice Sends `owner` its whole credited balance. Anyone may call it; the tokens always go to `owner`.
    /// @param owner the payee
    /// @return amount S* base units transferred
    function withdraw(address owner) external returns (uint256 amount) {
        uint256 account = _accounts[owner];
        if (account == 0) revert ChannelHubUnknownOwner(owner);
        uint256 paid = _paidOf((account & MASK32) - 1);
        amount = paid - (account >> 32);
        if (amount == 0) revert ChannelHubNothingToWithdraw(owner);
        _accounts[owner] = (paid << 32) | (account & MASK32);
        emit Withdrawn(owner, amount);
        token.safeTransfer(owner, amount);
    }

    // ---------------------------------------------------------------------------------------------- views

    /// @notice Whether `owner` has an index, and which.
    /// @param owner the payee
    function indexOf(address owner) external view returns (bool registered, uint256 index) {
        uint256 account = _accounts[owner];
        if (account == 0) return (false, 0);
        return (true, (account & MASK32) - 1);
    }

    /// @notice Cumulative S* paid (credited or redeemed) to `owner`: the "already paid" every voucher and batch
    ///         entry is compared with.
    /// @param owner the payee
    function paidOf(address owner) external view returns (uint256) {
        uint256 account = _accounts[owner];
        return account == 0 ? 0 : _paidOf((account & MASK32) - 1);
    }

    /// @notice For each owner, its index (type(uint256).max if it has none) and the cumulative S* paid to it: what a
    ///         settler needs to build a batch, in one call.
    /// @param owners the payees
    function accountsOf(address[] calldata owners)
        external
        view
        returns (uint256[] memory indices, uint256[] memory paid)
    {
        indices = new uint256[](owners.length);
        paid = new uint256[](owners.length);
        for (uint256 i = 0; i < owners.length; ++i) {
            uint256 account = _accounts[owners[i]];
            if (account == 0) {
                indices[i] = type(uint256).max;
            } else {
                indices[i] = (account & MASK32) - 1;
                paid[i] = _paidOf(indices[i]);
            }
        }
    }

    /// @notice Cumulative S* paid to the owner with index `index`.
    /// @param index the owner's index
    function paidOfIndex(uint256 index) external view returns (uint256) {
        return _paidOf(index);
    }

    /// @notice Cumulative S* `owner` has taken out of the hub.
    /// @param owner the payee
    function withdrawnOf(address owner) external view returns (uint256) {
        return _accounts[owner] >> 32;
    }

    /// @notice S* credited to `owner` and still held here for it.
    /// @param owner the payee
    function balanceOf(address owner) external view returns (uint256) {
        uint256 account = _accounts[owner];
        return account == 0 ? 0 : _paidOf((account & MASK32) - 1) - (account >> 32);
    }

    /// @notice The EIP-712 digest the hub signer signs for a voucher.
    /// @param owner the payee
    /// @param cumulativeAmount cumulative S* base units owed
    function voucherDigest(address owner, uint256 cumulativeAmount) external view returns (bytes32) {
        return _hashTypedDataV4(keccak256(abi.encode(VOUCHER_TYPEHASH, owner, cumulativeAmount)));
    }

    /// @notice The EIP-712 domain separator (name "Onder ChannelHub", version "1", chain id, this contract).
    function domainSeparator() external view returns (bytes32) {
        return _domainSeparatorV4();
    }

    function _paidOf(uint256 idx) private view returns (uint256) {
        uint256 key = LANES_BASE + (idx >> 2);
        uint256 lanes;
        assembly ("memory-safe") {
            lanes := sload(key)
        }
        return (lanes >> ((idx & 3) << 6)) & MASK64;
    }

    function _setPaid(uint256 idx, uint256 cumulativeAmount) private {
        uint256 shift = (idx & 3) << 6;
        uint256 key = LANES_BASE + (idx >> 2);
        assembly ("memory-safe") {
            sstore(key, or(and(sload(key), not(shl(shift, MASK64))), shl(shift, cumulativeAmount)))
        }
    }
}
