// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.28;

import {Ownable} from "@openzeppelin/contracts/access/Ownable.sol";
import {EIP712} from "@openzeppelin/contracts/utils/cryptography/EIP712.sol";
import {ECDSA} from "@openzeppelin/contracts/utils/cryptography/ECDSA.sol";

/// @title Device registry (Identity Kit)
/// @notice A device is known by the address of its key. A manufacturer allowed by the admin attests that the key is
///         genuine (EIP-712 `DeviceAttestation(address device)`); the owner then claims the device with two
///         signatures over the same EIP-712 `DeviceClaim(address device,address owner,uint256 nonce)`: the owner's
///         (it wants the payouts) and the device's (proof of holding the device key, so nobody can claim a device
///         they do not hold). Payouts for a device go to {payoutOf}. An owner can release a device; the nonce then
///         moves on, so an old claim cannot be replayed.
contract DeviceRegistry is EIP712, Ownable {
    /// @notice EIP-712 type of a manufacturer's attestation.
    bytes32 public constant ATTESTATION_TYPEHASH = keccak256("DeviceAttestation(address device)");
    /// @notice EIP-712 type of an ownership claim, signed by both the owner and the device.
    bytes32 public constant CLAIM_TYPEHASH = keccak256("DeviceClaim(address device,address owner,uint256 nonce)");

    struct Device {
        address manufacturer;
        address owner;
        uint64 claimNonce;
    }

    /// @notice Manufacturers whose attestations count.
    mapping(address manufacturer => bool) public isManufacturer;
    mapping(address device => Device) private _devices;

    /// @notice The admin allowed or disallowed a manufacturer.
    event ManufacturerSet(address indexed manufacturer, bool allowed);
    /// @notice `manufacturer` attested `device`.
    event DeviceAttested(address indexed device, address indexed manufacturer);
    /// @notice `owner` claimed `device`: its payouts go to `owner`.
    event DeviceClaimed(address indexed device, address indexed owner);
    /// @notice `owner` released `device`.
    event DeviceReleased(address indexed device, address indexed owner);

    /// @notice An address given is the zero address.
    error DeviceRegistryZeroAddress();
    /// @notice The attestation is not signed by an allowed manufacturer.
    error DeviceRegistryNotManufacturer(address signer);
    /// @notice The device was attested already.
    error DeviceRegistryAlreadyAttested(address device);
    /// @notice The device has no valid attestation (none, or its manufacturer was disallowed).
    error DeviceRegistryNotAttested(address device);
    /// @notice The device has an owner already.
    error DeviceRegistryAlreadyClaimed(address device, address owner);
    /// @notice A claim signature is not the owner's or not the device's.
    error DeviceRegistryBadSignature(address expected);
    /// @notice Only the device's owner may do this.
    error DeviceRegistryNotOwner(address caller);

    /// @param admin allows manufacturers
    constructor(address admin) EIP712("Onder DeviceRegistry", "1") Ownable(admin) {}

    /// @notice Allows or disallows a manufacturer. Disallowing one voids the attestations it made. Only the admin.
    /// @param manufacturer the manufacturer's signing address
    /// @param allowed whether its attestations count
    function setManufacturer(address manufacturer, bool allowed) external onlyOwner {
        if (manufacturer == address(0)) revert DeviceRegistryZeroAddress();
        isManufacturer[manufacturer] = allowed;
        emit ManufacturerSet(manufacturer, allowed);
    }

    /// @notice Records a manufacturer's attestation that `device` is a genuine device key. Anyone may submit it.
    /// @param device the address of the device's key
    /// @param signature the manufacturer's EIP-712 signature of `DeviceAttestation(device)`
    function attest(address device, bytes calldata signature) external {
        if (device == address(0)) revert DeviceRegistryZeroAddress();
        Device storage d = _devices[device];
        if (d.manufacturer != address(0)) revert DeviceRegistryAlreadyAttested(device);
        address manufacturer =
            ECDSA.recoverCalldata(_hashTypedDataV4(keccak256(abi.encode(ATTESTATION_TYPEHASH, device))), signature);
        if (!isManufacturer[manufacturer]) revert DeviceRegistryNotManufacturer(manufacturer);
        d.manufacturer = manufacturer;
        emit DeviceAttested(device, manufacturer);
    }

    /// @notice Claims an attested, unowned device for `owner`. Anyone may submit the two signatures.
    /// @param device the address of the device's key
    /// @param owner the payout address
    /// @param ownerSignature `owner`'s EIP-712 signature of `DeviceClaim(device, owner, claimNonce(device))`
    /// @param deviceSignature the device key's signature of the same
    function claim(address device, address owner, bytes calldata ownerSignature, bytes calldata deviceSignature)
        external
    {
        if (owner == address(0)) revert DeviceRegistryZeroAddress();
        Device storage d = _devices[device];
        if (!_genuine(d)) revert DeviceRegistryNotAttested(device);
        if (d.owner != address(0)) revert DeviceRegistryAlreadyClaimed(device, d.owner);
        bytes32 digest = _hashTypedDataV4(keccak256(abi.encode(CLAIM_TYPEHASH, device, owner, d.claimNonce)));
        (address byOwner, ECDSA.RecoverError e1,) = ECDSA.tryRecoverCalldata(digest, ownerSignature);
        if (e1 != ECDSA.RecoverError.NoError || byOwner != owner) revert DeviceRegistryBadSignature(owner);
        (address byDevice, ECDSA.RecoverError e2,) = ECDSA.tryRecoverCalldata(digest, deviceSignature);
        if (e2 != ECDSA.RecoverError.NoError || byDevice != device) revert DeviceRegistryBadSignature(device);
        d.owner = owner;
        d.claimNonce += 1;
        emit DeviceClaimed(device, owner);
    }

    /// @notice The owner gives up `device`; it can then be claimed again (with a fresh nonce).
    /// @param device the address of the device's key
    function release(address device) external {
        Device storage d = _devices[device];
        if (d.owner == address(0) || d.owner != msg.sender) revert DeviceRegistryNotOwner(msg.sender);
        d.owner = address(0);
        emit DeviceReleased(device, msg.sender);
    }

    /// @notice Where payouts for `device` go: its owner, or the zero address if it is unclaimed or not genuine.
    /// @param device the address of the device's key
    function payoutOf(address device) external view returns (address) {
        Device storage d = _devices[device];
        return _genuine(d) ? d.owner : address(0);
    }

    /// @notice The manufacturer that attested `device` (zero if none) and whether it is still allowed.
    /// @param device the address of the device's key
    function attestationOf(address device) external view returns (address manufacturer, bool valid) {
        Device storage d = _devices[device];
        return (d.manufacturer, _genuine(d));
    }

    /// @notice The nonce the next claim of `device` must sign.
    /// @param device the address of the device's key
    function claimNonce(address device) external view returns (uint256) {
        return _devices[device].claimNonce;
    }

    /// @notice The EIP-712 domain separator (name "Onder DeviceRegistry", version "1", chain id, this contract).
    function domainSeparator() external view returns (bytes32) {
        return _domainSeparatorV4();
    }

    function _genuine(Device storage d) private view returns (bool) {
        return d.manufacturer != address(0) && isManufacturer[d.manufacturer];
    }
}
